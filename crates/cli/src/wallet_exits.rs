//! `plasma wallet exit | process | in-flight-exit | piggyback | challenge`: the ways out, each
//! saying what it sent (or that it sent nothing) and when the exit matures by the L1 clock.

use crate::wallet::report;
use anyhow::{Context, Result, bail};
use plasma_primitives::{
    Address, B256, SignedTx, U256, UtxoPos,
    time::{by_l1_clock, span, utc},
};
use plasma_rootchain::{RootChain, RootChainError, RpcChain, revert::explain};
use plasma_wallet::{Leg, Piggybacked, Processed, Wallet};
use serde_json::json;

/// The root chain's clock now (the latest block's time), which decides maturity.
pub(crate) async fn l1_now(chain: &impl RootChain) -> Result<u64> {
    Ok(chain.head().await?.timestamp)
}

/// `err` with, for a revert that names a time (an exit maturing, a period ending), how far
/// off that time is by the root chain's clock, which decides it.
pub(crate) async fn with_l1_times(err: anyhow::Error, chain: &impl RootChain) -> anyhow::Error {
    let data = err.chain().find_map(|cause| match cause.downcast_ref::<RootChainError>() {
        Some(RootChainError::Reverted { data, .. }) => Some(data.clone()),
        _ => cause.downcast_ref::<plasma_wallet::WalletError>().and_then(|w| match w {
            plasma_wallet::WalletError::RootChain(RootChainError::Reverted { data, .. }) => {
                Some(data.clone())
            }
            _ => None,
        }),
    });
    let times = data.and_then(|d| explain(&d)).map(|e| e.times).unwrap_or_default();
    let (Some(&at), Ok(now)) = (times.first(), l1_now(chain).await) else { return err };
    let when = if at > now {
        format!("in {} by the L1 clock", span(at - now))
    } else {
        format!("{} ago by the L1 clock", span(now - at))
    };
    let said = crate::one_line(&err);
    if times.len() == 1 {
        anyhow::anyhow!("{said}; that is {when}")
    } else {
        anyhow::anyhow!("{said}; {} is {when}", utc(at))
    }
}

fn position(raw: U256) -> Result<UtxoPos> {
    UtxoPos::from_raw(raw).ok_or_else(|| anyhow::anyhow!("position 0 names no output"))
}

/// `plasma wallet exit`.
pub(crate) async fn exit(wallet: &Wallet<RpcChain>, json: bool, utxo_pos: U256) -> Result<()> {
    let pos = position(utxo_pos)?;
    eprintln!("starting the exit on L1 (the bond is sent with it)…");
    let exitable_at = wallet.exit(pos).await?;
    let now = l1_now(wallet.plasma().chain().as_ref()).await?;
    report(json, json!({"utxoPos": utxo_pos, "exitableAt": exitable_at}), || {
        format!(
            "exit started for {pos}\nit matures {}; then run `plasma wallet process`",
            by_l1_clock(exitable_at, now)
        )
    })
}

/// `plasma wallet exit --all`.
pub(crate) async fn exit_all(wallet: &Wallet<RpcChain>, json: bool, token: Address) -> Result<()> {
    eprintln!("starting batch exits on L1 (a bond per output is sent with them)…");
    let batches = wallet.exit_all(token).await?;
    let now = l1_now(wallet.plasma().chain().as_ref()).await?;
    let rows: Vec<_> = batches
        .iter()
        .map(|b| {
            json!({"exitId": b.exit_id, "outputs": b.outputs, "exitableAt": b.exitable_at, "l1Tx": b.l1_tx})
        })
        .collect();
    report(json, json!({ "batches": rows }), || {
        let mut out = String::new();
        for b in &batches {
            out += &format!(
                "batch exit {:#x}: {} outputs (L1 tx {}), matures {}\n",
                b.exit_id,
                b.outputs,
                b.l1_tx,
                by_l1_clock(b.exitable_at, now)
            );
        }
        out + "anyone may process a batch at the head of the queue; a watcher does"
    })
}

/// `plasma wallet batch-agent`.
pub(crate) async fn batch_agent(
    wallet: &Wallet<RpcChain>,
    json: bool,
    agent: Address,
) -> Result<()> {
    let l1_tx = wallet.set_batch_exit_agent(agent).await?;
    report(json, json!({"agent": agent, "l1Tx": l1_tx}), || {
        if agent == Address::ZERO {
            format!("nobody but you may batch-exit your outputs now (L1 tx {l1_tx})")
        } else {
            format!("{agent} may now batch-exit your outputs when the chain breaks (L1 tx {l1_tx})")
        }
    })
}

/// `plasma wallet process`: sends nothing when nothing is mature.
pub(crate) async fn process(
    wallet: &Wallet<RpcChain>,
    json: bool,
    token: Address,
    max: u64,
) -> Result<()> {
    match wallet.process(token, max).await? {
        Processed::NothingQueued => report(json, json!({"sent": false, "queued": false}), || {
            "nothing to process: no exit of this token is queued (nothing sent)".into()
        }),
        Processed::NotMature { next_at, l1_now } => {
            report(json, json!({"sent": false, "nextMaturesAt": next_at}), || {
                format!(
                    "nothing to process yet (nothing sent): the first exit in the queue matures {}",
                    by_l1_clock(next_at, l1_now)
                )
            })
        }
        Processed::Sent { paid, l1_tx } => {
            report(json, json!({"sent": true, "paid": paid, "l1Tx": l1_tx}), || {
                format!("processed the mature exits: {paid} paid out (L1 tx {l1_tx})")
            })
        }
    }
}

/// `plasma wallet in-flight-exit`.
pub(crate) async fn in_flight_exit(
    wallet: &Wallet<RpcChain>,
    json: bool,
    tx_hash: Option<B256>,
    signed_tx: Option<alloy_primitives::Bytes>,
) -> Result<()> {
    let signed = match (tx_hash, signed_tx) {
        (_, Some(bytes)) => {
            SignedTx::decode(&bytes).context("--signed-tx is not a signed payment")?
        }
        (Some(hash), None) => wallet.sent_tx(hash)?.ok_or_else(|| {
            anyhow::anyhow!("{hash} is not in this wallet's journal: give --signed-tx HEX")
        })?,
        (None, None) => bail!("give a transaction hash or --signed-tx"),
    };
    eprintln!("starting (or joining) the in-flight exit on L1 and piggybacking your outputs…");
    let exit = wallet.in_flight_exit(&signed).await?;
    let now = l1_now(wallet.plasma().chain().as_ref()).await?;
    let names = |legs: &[Leg]| legs.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>();
    let (legs, before) = (names(&exit.piggybacked), names(&exit.already_piggybacked));
    report(
        json,
        json!({"exitId": exit.exit_id, "exitableAt": exit.exitable_at, "piggybacked": legs, "alreadyPiggybacked": before}),
        || {
            let mut done = if legs.is_empty() {
                "nothing newly piggybacked".to_owned()
            } else {
                format!("piggybacked {} (a bond sent for each)", legs.join(", "))
            };
            if !before.is_empty() {
                done += &format!("; already piggybacked before: {}", before.join(", "));
            }
            format!(
                "in-flight exit {:#x} of {}: {done}\nit matures {}; then run `plasma wallet process`",
                exit.exit_id,
                signed.tx().hash(),
                by_l1_clock(exit.exitable_at, now)
            )
        },
    )
}

/// `plasma wallet piggyback`.
pub(crate) async fn piggyback(
    wallet: &Wallet<RpcChain>,
    json: bool,
    signed_tx: alloy_primitives::Bytes,
    input: Option<u8>,
    output: Option<u8>,
) -> Result<()> {
    let signed = SignedTx::decode(&signed_tx).context("not a signed payment")?;
    let leg = match (input, output) {
        (Some(i), _) => Leg::Input(i),
        (None, Some(o)) => Leg::Output(o),
        (None, None) => bail!("give --input N or --output N"),
    };
    let outcome = wallet.piggyback(&signed.tx().encode(), leg).await?;
    let sent = outcome == Piggybacked::BondSent;
    report(json, json!({"piggybacked": format!("{leg:?}"), "bondSent": sent}), || match outcome {
        Piggybacked::BondSent => format!(
            "piggybacked {leg:?} (bond sent)\nafter the exit period run `plasma wallet process`"
        ),
        Piggybacked::Already => {
            format!("{leg:?} was already piggybacked: nothing sent")
        }
    })
}

/// `plasma wallet challenge`.
pub(crate) async fn challenge(wallet: &Wallet<RpcChain>, json: bool, utxo_pos: U256) -> Result<()> {
    let pos = position(utxo_pos)?;
    let tx = wallet.challenge(pos).await?;
    report(json, json!({"l1Tx": tx}), || {
        format!("challenged the exit of {pos}: its bond is yours (L1 tx {tx})")
    })
}
