//! `plasma wallet cash …`: Plasma Cash coins from the command line, over the Cash operator's
//! API and the `PlasmaCash` contract named in the deployment file.

use crate::wallet::{CashCommand, decimals, report};
use anyhow::{Context, Result, bail};
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_cash::PlasmaCashContract;
use plasma_cash::{CashWallet, CoinOnL1};
use plasma_primitives::{Address, PrivateKey, time::by_l1_clock};
use plasma_rootchain::RpcChain;
use plasma_wallet::amount;
use serde_json::json;
use std::{sync::Arc, time::Duration};

pub(crate) async fn run(
    command: CashCommand,
    key: PrivateKey,
    chain: Arc<RpcChain>,
    contract: Address,
    url: &str,
    json: bool,
) -> Result<()> {
    let node = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .build(url)
        .with_context(|| format!("bad Cash operator URL {url:?}"))?;
    let contract = Arc::new(PlasmaCashContract::attach(chain.clone(), contract).await?);
    let wallet = CashWallet::new(key, contract, node);
    match command {
        CashCommand::Deposit { amount: text, token, nft_id } => {
            eprintln!("depositing on L1, waiting for the transaction to be mined…");
            let slot = match (token, nft_id, &text) {
                (Some(token), Some(id), None) => wallet.deposit_erc721(token, id).await?,
                (token, None, Some(text)) => {
                    let token = token.unwrap_or(Address::ZERO);
                    let value = amount::parse(text, decimals(chain.as_ref(), token).await?)?;
                    if token.is_zero() {
                        wallet.deposit_eth(value).await?
                    } else {
                        wallet.deposit_erc20(token, value).await?
                    }
                }
                (None, Some(_), _) => bail!("an NFT deposit needs --token (its contract)"),
                (_, Some(_), Some(_)) => bail!("an NFT coin has no amount: drop it"),
                (_, None, None) => bail!("give an amount (or --token with --nft-id)"),
            };
            report(json, json!({"slot": slot.to_string()}), || {
                format!(
                    "deposited coin {slot}\nnext: `plasma wallet cash send {slot} <to>` once the Cash operator has seen it"
                )
            })
        }
        CashCommand::Send { slot, to } => {
            let hash = wallet.send(slot, to).await?;
            report(json, json!({"txHash": hash}), || {
                format!(
                    "sent coin {slot} to {to}: tx {hash}\nthe recipient checks it with `plasma wallet cash verify {slot}` once the block is committed"
                )
            })
        }
        CashCommand::Verify { slot } => {
            let coin = wallet.verify(slot).await?;
            let on_l1 = wallet.on_l1(slot).await?;
            report(
                json,
                json!({"owner": coin.owner, "denomination": coin.denomination.to_string(), "latestBlock": coin.latest_block, "onL1": format!("{on_l1:?}")}),
                || match on_l1 {
                    CoinOnL1::OnChildChain => format!(
                        "coin {slot}: owned by {} (history verified against L1 through block {})",
                        coin.owner, coin.latest_block
                    ),
                    other => format!(
                        "coin {slot}: {}; its last owner on the child chain was {} (history verified against L1 through block {})",
                        other.describe(),
                        coin.owner,
                        coin.latest_block
                    ),
                },
            )
        }
        CashCommand::Coins => coins(&wallet, json).await,
        CashCommand::Exit { slot } => {
            eprintln!("starting the exit on L1 (the bond is sent with it)…");
            let exitable_at = wallet.exit(slot).await?;
            let now = crate::wallet_exits::l1_now(chain.as_ref()).await?;
            report(json, json!({"slot": slot.to_string(), "exitableAt": exitable_at}), || {
                format!(
                    "exit of coin {slot} started\nit matures {}; then run `plasma wallet cash withdraw {slot}`",
                    by_l1_clock(exitable_at, now)
                )
            })
        }
        CashCommand::Withdraw { slot } => {
            wallet.withdraw(slot).await?;
            report(json, json!({"withdrawn": slot.to_string()}), || {
                format!("coin {slot} is back on L1")
            })
        }
    }
}

/// `plasma wallet cash coins`: the coins the operator says are this wallet's, each verified.
async fn coins(wallet: &CashWallet<RpcChain>, json: bool) -> Result<()> {
    let coins = wallet.coins().await?;
    let value = json!(
        coins
            .iter()
            .map(|(c, on_l1)| json!({"slot": c.slot.to_string(), "denomination": c.denomination.to_string(), "latestBlock": c.latest_block, "onL1": format!("{on_l1:?}")}))
            .collect::<Vec<_>>()
    );
    report(json, value, || {
        if coins.is_empty() {
            return "no coins".into();
        }
        let lines: Vec<String> = coins
            .iter()
            .map(|(c, on_l1)| {
                format!(
                    "coin {:<20} {:>28} base units  {}",
                    c.slot,
                    c.denomination,
                    on_l1.describe()
                )
            })
            .collect();
        lines.join("\n")
    })
}
