//! `plasma wallet …`: the wallet SDK for people, with human amounts and next steps.

use crate::{deployment::Deployment, keys::parse_key, wallet_exits as exits, wallet_pay as pay};
use alloy_sol_types::SolCall;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_contracts::IERC20;
use plasma_framework::Plasma;
use plasma_primitives::{Address, B256, PrivateKey, U256, UtxoPos};
use plasma_rootchain::{RootChain, RpcChain, RpcConfig, TxRequest};
use plasma_wallet::{Wallet, amount, amount::money, keystore, keystore::EmptyPassword};
use serde_json::json;
use std::{
    io::{BufRead, IsTerminal, Write},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

#[derive(Debug, Args)]
pub(crate) struct WalletArgs {
    /// Keystore v3 file holding the key (the password comes from PLASMA_PASSWORD or a prompt).
    #[arg(long, env = "PLASMA_KEYSTORE", global = true)]
    keystore: Option<PathBuf>,
    /// A raw private key instead of a keystore (development only).
    #[arg(long, env = "PLASMA_KEY", hide_env_values = true, global = true)]
    key: Option<String>,
    /// Root-chain JSON-RPC endpoint.
    #[arg(long = "l1.rpc", env = "PLASMA_L1_RPC", global = true)]
    l1_rpc: Option<String>,
    /// The deployment file (`plasma deploy` or `plasma devnet` writes it).
    #[arg(long, env = "PLASMA_CONTRACTS", global = true)]
    contracts: Option<PathBuf>,
    /// The operator's JSON-RPC endpoint.
    #[arg(long = "operator.rpc", env = "PLASMA_OPERATOR_RPC", global = true)]
    operator_rpc: Option<String>,
    /// A watcher's JSON-RPC endpoint: exit data and payment checks come from it.
    #[arg(long = "watcher.rpc", env = "PLASMA_WATCHER_RPC", global = true)]
    watcher_rpc: Option<String>,
    /// The Plasma Cash operator's JSON-RPC endpoint (for `plasma wallet cash …`).
    #[arg(long = "cash.rpc", env = "PLASMA_CASH_RPC", global = true)]
    cash_rpc: Option<String>,
    /// The wallet's journal of sent payments (default: ~/.plasma/wallets/ADDRESS.jsonl).
    #[arg(long, env = "PLASMA_HISTORY", global = true)]
    history: Option<PathBuf>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: WalletCommand,
}

#[derive(Debug, Subcommand)]
enum WalletCommand {
    /// Create a new key in a keystore file.
    New {
        /// Directory for the keystore file.
        #[arg(long, default_value = "keystore")]
        dir: PathBuf,
        /// Accept an empty password (anyone who copies the file then holds the key).
        #[arg(long)]
        empty_password: bool,
        /// scrypt cost as log2 N: 18 is geth's standard; lower only for tests and throwaway keys.
        #[arg(long, default_value_t = 18, value_name = "LOG2_N")]
        scrypt_cost: u8,
    },
    /// Print the wallet's address.
    Address,
    /// Deposit from L1 (ERC20: the approval is sent first).
    Deposit {
        /// Amount, e.g. `1.5`.
        amount: String,
        /// Token contract (default: ETH).
        #[arg(long, value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
    },
    /// Balances on the child chain.
    Balance,
    /// Outputs held on the child chain.
    Utxos,
    /// Pay someone on the child chain.
    Send {
        /// Recipient.
        #[arg(value_parser = plasma_primitives::address::parse_address)]
        to: Address,
        /// Amount, e.g. `0.25`.
        amount: String,
        /// Token contract (default: ETH).
        #[arg(long, value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
        /// Fee left to the operator, in the payment's token (default: the exact fee the
        /// operator's schedule asks, in a token the wallet holds).
        #[arg(long)]
        fee: Option<String>,
    },
    /// The operator's fee schedule: what a payment owes now, and what is announced.
    Fees,
    /// Merge up to four small outputs into one.
    Merge {
        /// Token contract (default: ETH).
        #[arg(long, value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
    },
    /// Start the standard exit of an output (its position, from `utxos`), or with --all batch
    /// exits of every output of a token.
    Exit {
        /// The output's position.
        #[arg(required_unless_present = "all")]
        utxo_pos: Option<U256>,
        /// Exit every output of the token instead, in batch exits of up to 1,024 outputs per
        /// L1 transaction.
        #[arg(long, conflicts_with = "utxo_pos")]
        all: bool,
        /// With --all: the token (default: ETH).
        #[arg(long, requires = "all", value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
    },
    /// Let a watcher's L1 account batch-exit your outputs when the chain breaks (0x0 revokes).
    BatchAgent {
        /// The watcher's account.
        #[arg(value_parser = plasma_primitives::address::parse_address)]
        agent: Address,
    },
    /// Process mature exits of a token (anyone may; the caller earns the bounties).
    Process {
        /// Token contract (default: ETH).
        #[arg(long, value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
        /// Most exits to process.
        #[arg(long, default_value_t = 10)]
        max: u64,
    },
    /// Check a payment you received: its proof against L1 and the watcher's verdict.
    Verify {
        /// The transaction's hash.
        tx_hash: B256,
    },
    /// What happened to this wallet's money: L1 events and the payments it sent.
    History,
    /// Exit a payment whose block is withheld (MoreVP): start its in-flight exit (or join it)
    /// and piggyback the outputs you own.
    InFlightExit {
        /// A payment you sent (from the journal), by hash.
        #[arg(required_unless_present = "signed_tx")]
        tx_hash: Option<B256>,
        /// Or the signed payment's bytes (hex), e.g. from the sender.
        #[arg(long, conflicts_with = "tx_hash")]
        signed_tx: Option<alloy_primitives::Bytes>,
    },
    /// Piggyback an input or output of an in-flight exit that you own.
    Piggyback {
        /// The signed payment's bytes (hex).
        signed_tx: alloy_primitives::Bytes,
        /// Piggyback input N (if the payment may not be canonical).
        #[arg(long, conflicts_with = "output", required_unless_present = "output")]
        input: Option<u8>,
        /// Piggyback output N (if the payment may be canonical).
        #[arg(long)]
        output: Option<u8>,
    },
    /// Challenge the exit of a spent output with the watcher's evidence (the bond is yours).
    Challenge {
        /// The exiting output's position.
        utxo_pos: U256,
    },
    /// Plasma Cash coins: deposit, send, verify, exit, withdraw.
    #[command(subcommand)]
    Cash(CashCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CashCommand {
    /// Deposit a coin: an ETH amount, an ERC20 amount (--token), or an NFT (--token --nft-id).
    Deposit {
        /// Amount, e.g. `0.5` (not for an NFT).
        amount: Option<String>,
        /// Token contract (default: ETH).
        #[arg(long, value_parser = plasma_primitives::address::parse_address)]
        token: Option<Address>,
        /// The ERC721 token id.
        #[arg(long = "nft-id")]
        nft_id: Option<U256>,
    },
    /// Send a whole coin (after verifying it is yours).
    Send {
        /// The coin's slot.
        slot: u64,
        /// Recipient.
        #[arg(value_parser = plasma_primitives::address::parse_address)]
        to: Address,
    },
    /// Verify a coin's whole history against L1: who owns it now, or that it left.
    Verify {
        /// The coin's slot.
        slot: u64,
    },
    /// The coins this wallet holds, each verified against L1.
    Coins,
    /// Start the exit of a coin you own (the bond is sent with it).
    Exit {
        /// The coin's slot.
        slot: u64,
    },
    /// Finalize a matured exit and withdraw the coin to L1.
    Withdraw {
        /// The coin's slot.
        slot: u64,
    },
}

pub(crate) async fn run(args: WalletArgs) -> Result<()> {
    if let WalletCommand::New { dir, empty_password, scrypt_cost } = &args.command {
        return new_key(dir, *empty_password, *scrypt_cost, args.json);
    }
    let key = load_key(&args)?;
    if let WalletCommand::Address = args.command {
        return report(args.json, json!({"address": key.address()}), || key.address().to_string());
    }
    let need =
        |name: &str| anyhow::anyhow!("missing --{name} (or its PLASMA_ environment variable)");
    let contracts = args.contracts.clone().ok_or_else(|| need("contracts"))?;
    let deployment = Deployment::read(&contracts)?;
    let mut rpc = RpcConfig::new(args.l1_rpc.clone().ok_or_else(|| need("l1.rpc"))?);
    rpc.expected_chain_id = Some(deployment.chain_id);
    let chain = Arc::new(RpcChain::connect(rpc, std::slice::from_ref(&key)).await?);
    let outcome = on_chain(args, key, deployment, &contracts, chain.clone()).await;
    match outcome {
        Err(err) => Err(exits::with_l1_times(err, chain.as_ref()).await),
        ok => ok,
    }
}

/// The commands that reach the root chain (and the operator or a watcher).
async fn on_chain(
    args: WalletArgs,
    key: PrivateKey,
    deployment: Deployment,
    contracts: &std::path::Path,
    chain: Arc<RpcChain>,
) -> Result<()> {
    let need =
        |name: &str| anyhow::anyhow!("missing --{name} (or its PLASMA_ environment variable)");
    if let WalletCommand::Cash(command) = args.command {
        let address = deployment.plasma_cash.ok_or_else(|| {
            anyhow::anyhow!("{} names no Plasma Cash contract", contracts.display())
        })?;
        let url = args.cash_rpc.clone().ok_or_else(|| need("cash.rpc"))?;
        return crate::wallet_cash::run(command, key, chain, address, &url, args.json).await;
    }
    let plasma = Arc::new(Plasma::attach(chain, deployment.addresses()).await?);
    let wallet = open_wallet(&args, key, plasma.clone(), deployment.deployed_at_block).await?;
    let json = args.json;

    match args.command {
        WalletCommand::New { .. } | WalletCommand::Address | WalletCommand::Cash(_) => {
            unreachable!("handled above")
        }
        WalletCommand::Deposit { amount: text, token } => {
            deposit(&wallet, &plasma, json, text, token).await
        }
        WalletCommand::Balance => balance(&wallet, &plasma, json).await,
        WalletCommand::Utxos => utxos(&wallet, &plasma, json).await,
        WalletCommand::Send { to, amount: text, token, fee } => {
            let payment = pay::Payment { to, text, token: token.unwrap_or(Address::ZERO), fee };
            pay::send(&wallet, &plasma, json, payment).await
        }
        WalletCommand::Fees => pay::fees(&wallet, &plasma, json).await,
        WalletCommand::Merge { token } => match wallet.merge(token.unwrap_or(Address::ZERO)).await?
        {
            Some(ack) => report(json, json!({"txHash": ack.tx_hash}), || {
                format!("merged into one output: tx {}", ack.tx_hash)
            }),
            None => report(json, json!({"txHash": null}), || "nothing to merge".into()),
        },
        WalletCommand::Exit { utxo_pos: Some(utxo_pos), .. } => {
            exits::exit(&wallet, json, utxo_pos).await
        }
        WalletCommand::Exit { utxo_pos: None, token, .. } => {
            exits::exit_all(&wallet, json, token.unwrap_or(Address::ZERO)).await
        }
        WalletCommand::BatchAgent { agent } => exits::batch_agent(&wallet, json, agent).await,
        WalletCommand::Process { token, max } => {
            exits::process(&wallet, json, token.unwrap_or(Address::ZERO), max).await
        }
        WalletCommand::History => {
            let entries = wallet.history().await?;
            let lines: Vec<String> = entries.iter().map(describe).collect();
            report(json, serde_json::to_value(&entries)?, || {
                if lines.is_empty() { "no history".into() } else { lines.join("\n") }
            })
        }
        WalletCommand::InFlightExit { tx_hash, signed_tx } => {
            exits::in_flight_exit(&wallet, json, tx_hash, signed_tx).await
        }
        WalletCommand::Piggyback { signed_tx, input, output } => {
            exits::piggyback(&wallet, json, signed_tx, input, output).await
        }
        WalletCommand::Challenge { utxo_pos } => exits::challenge(&wallet, json, utxo_pos).await,
        WalletCommand::Verify { tx_hash } => verify(&wallet, json, tx_hash).await,
    }
}

/// `plasma wallet new`: a new key in a keystore file under `dir`.
fn new_key(dir: &std::path::Path, empty_password: bool, log_n: u8, json: bool) -> Result<()> {
    let cost = keystore::ScryptCost::new(log_n)?;
    let password = password(true)?;
    let empty = if empty_password { EmptyPassword::Allow } else { EmptyPassword::Refuse };
    let (key, path) = keystore::create(dir, &password, empty, cost)?;
    report(json, json!({"address": key.address(), "keystore": path}), || {
        format!(
            "new key {} in {}\nkeep the password safe: without it the key is gone",
            key.address(),
            path.display()
        )
    })
}

/// The payment wallet of `key`: its operator and (if given) watcher clients, and its history
/// journal (`--history`, or the default under `~/.plasma`).
async fn open_wallet(
    args: &WalletArgs,
    key: PrivateKey,
    plasma: Arc<Plasma<RpcChain>>,
    deployed_at_block: u64,
) -> Result<Wallet<RpcChain>> {
    let client = |url: &str| {
        HttpClientBuilder::default().request_timeout(Duration::from_secs(30)).build(url)
    };
    let operator_url = args.operator_rpc.clone().ok_or_else(|| {
        anyhow::anyhow!("missing --operator.rpc (or its PLASMA_ environment variable)")
    })?;
    let operator =
        client(&operator_url).with_context(|| format!("bad operator URL {operator_url:?}"))?;
    let watcher = args.watcher_rpc.as_deref().map(client).transpose().context("bad watcher URL")?;
    let journal = match &args.history {
        Some(path) => path.clone(),
        None => default_journal(key.address())?,
    };
    Ok(Wallet::new(key, plasma, operator, watcher).await?.with_history(journal, deployed_at_block))
}

/// `plasma wallet deposit`.
async fn deposit(
    wallet: &Wallet<RpcChain>,
    plasma: &Plasma<RpcChain>,
    json: bool,
    text: String,
    token: Option<Address>,
) -> Result<()> {
    let token = token.unwrap_or(Address::ZERO);
    let value = amount::parse(&text, decimals(plasma.chain().as_ref(), token).await?)?;
    eprintln!("depositing on L1, waiting for the transaction to be mined…");
    let pos = wallet.deposit(token, value).await?;
    report(json, json!({"utxoPos": pos.raw(), "blknum": pos.blknum()}), || {
        format!(
            "deposited {text} {} as output {pos}\nnext: `plasma wallet balance` shows it once the operator has seen the deposit",
            symbol(token)
        )
    })
}

/// `plasma wallet balance`.
async fn balance(wallet: &Wallet<RpcChain>, plasma: &Plasma<RpcChain>, json: bool) -> Result<()> {
    let balances = wallet.balances().await?;
    let mut lines = Vec::new();
    for (token, value) in &balances {
        lines.push(format!(
            "{} {}",
            amount::format(*value, decimals(plasma.chain().as_ref(), *token).await?),
            symbol(*token)
        ));
    }
    let value = json!(
        balances
            .iter()
            .map(|(t, v)| json!({"token": t, "amount": v.to_string()}))
            .collect::<Vec<_>>()
    );
    report(json, value, || {
        if lines.is_empty() { "nothing on the child chain".into() } else { lines.join("\n") }
    })
}

/// `plasma wallet utxos`.
async fn utxos(wallet: &Wallet<RpcChain>, plasma: &Plasma<RpcChain>, json: bool) -> Result<()> {
    let utxos = wallet.utxos().await?;
    let mut lines = Vec::new();
    for u in &utxos {
        let pos = UtxoPos::from_raw(u.utxo_pos).map(|p| p.to_string()).unwrap_or_default();
        lines.push(format!(
            "{pos:<48} {} {}",
            amount::format(u.amount, decimals(plasma.chain().as_ref(), u.token).await?),
            symbol(u.token)
        ));
    }
    let value = json!(utxos.iter().map(|u| json!({"utxoPos": u.utxo_pos.to_string(), "token": u.token, "amount": u.amount.to_string()})).collect::<Vec<_>>());
    report(json, value, || if lines.is_empty() { "no outputs".into() } else { lines.join("\n") })
}

/// `plasma wallet verify`.
async fn verify(wallet: &Wallet<RpcChain>, json: bool, tx_hash: B256) -> Result<()> {
    let received = wallet.verify_received(tx_hash).await?;
    let total: U256 = received.outputs.iter().map(|(_, o)| o.amount).sum();
    let paid: Vec<String> =
        received.outputs.iter().map(|(_, o)| money(o.token, o.amount)).collect();
    report(
        json,
        json!({"blknum": received.blknum, "txindex": received.txindex, "amount": total.to_string()}),
        || {
            format!(
                "verified: {tx_hash} pays you {} in block {} (proof checked against L1, block verified by the watcher)",
                paid.join(" and "),
                received.blknum
            )
        },
    )
}

/// `~/.plasma/wallets/ADDRESS.jsonl`.
fn default_journal(address: Address) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .ok_or_else(|| anyhow::anyhow!("no HOME: give --history FILE (or PLASMA_HISTORY)"))?;
    Ok(PathBuf::from(home).join(".plasma").join("wallets").join(format!("{address}.jsonl")))
}

pub(crate) fn report(
    json: bool,
    value: serde_json::Value,
    human: impl FnOnce() -> String,
) -> Result<()> {
    if json {
        println!("{value}");
    } else {
        println!("{}", human());
    }
    Ok(())
}

fn describe(entry: &plasma_wallet::HistoryEntry) -> String {
    use plasma_wallet::HistoryEntry as H;
    match entry {
        H::Deposited { blknum, token, amount } => {
            format!("deposited {} (block {blknum})", money(*token, *amount))
        }
        H::Sent { tx_hash, blknum, txindex, .. } => {
            format!("sent payment {tx_hash} (block {blknum}, index {txindex})")
        }
        H::ExitStarted { utxo_pos, amount, token, exitable_at, .. } => format!(
            "exit of {} started: {}, matures at {exitable_at}",
            UtxoPos::from_raw(*utxo_pos).map(|p| p.to_string()).unwrap_or_default(),
            money(*token, *amount)
        ),
        H::ExitChallenged { exit_id } => format!("exit {exit_id:#x} was challenged (bond lost)"),
        H::ExitPaid { token, amount } => {
            format!("exit paid {} on L1", money(*token, *amount))
        }
        H::InFlightExitStarted { exit_id, tx_hash } => {
            format!("in-flight exit {exit_id:#x} of {tx_hash} started")
        }
        H::InFlightLegPaid { exit_id, token, amount } => {
            format!("in-flight exit {exit_id:#x} paid {} on L1", money(*token, *amount))
        }
        other => format!("{other:?}"),
    }
}

pub(crate) fn symbol(token: Address) -> String {
    if token.is_zero() { "ETH".into() } else { format!("of token {token}") }
}

/// The token's decimals from its contract (18 for ETH); an address without a token is refused.
pub(crate) async fn decimals<C: RootChain>(chain: &C, token: Address) -> Result<u8> {
    if token.is_zero() {
        return Ok(18);
    }
    let call = IERC20::decimalsCall {}.abi_encode();
    let out = chain.call(TxRequest::call(Address::ZERO, token, call)).await;
    match out.ok().and_then(|o| IERC20::decimalsCall::abi_decode_returns(&o).ok()) {
        Some(d) => Ok(d),
        None => bail!("unknown token {token}: no ERC20 contract there"),
    }
}

fn load_key(args: &WalletArgs) -> Result<PrivateKey> {
    match (&args.keystore, &args.key) {
        (Some(path), _) => {
            keystore::require_file(path)?;
            Ok(keystore::load(path, &password(false)?)?)
        }
        (None, Some(key)) => parse_key(key),
        (None, None) => {
            bail!("no key: give --keystore FILE (or PLASMA_KEYSTORE), or --key for development")
        }
    }
}

/// The password from PLASMA_PASSWORD, else asked for on the terminal.
fn password(new: bool) -> Result<String> {
    if let Ok(password) = std::env::var("PLASMA_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: set PLASMA_PASSWORD or run in a terminal");
    }
    eprint!("{}", if new { "password for the new key: " } else { "password: " });
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
