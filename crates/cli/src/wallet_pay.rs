//! `plasma wallet send` and `plasma wallet fees`: paying, with the fee the operator asks.

use crate::wallet::{decimals, report, symbol};
use anyhow::Result;
use plasma_framework::Plasma;
use plasma_primitives::{Address, U256};
use plasma_rootchain::RpcChain;
use plasma_wallet::{Paid, Wallet, amount};
use serde_json::json;

/// What `plasma wallet send` was asked.
pub(crate) struct Payment {
    pub(crate) to: Address,
    /// The amount as typed.
    pub(crate) text: String,
    pub(crate) token: Address,
    /// `--fee`, as typed; `None`: the schedule's exact fee.
    pub(crate) fee: Option<String>,
}

/// `plasma wallet send`.
pub(crate) async fn send(
    wallet: &Wallet<RpcChain>,
    plasma: &Plasma<RpcChain>,
    json: bool,
    p: Payment,
) -> Result<()> {
    let chain = plasma.chain();
    let dec = decimals(chain.as_ref(), p.token).await?;
    let amount = amount::parse(&p.text, dec)?;
    let paid = match &p.fee {
        Some(fee) => {
            let fee = amount::parse(fee, dec)?;
            let ack = wallet.send(p.to, p.token, amount, fee).await?;
            Paid { ack, fee_token: p.token, fee }
        }
        None => wallet.send_paying_fee(p.to, p.token, amount).await?,
    };
    let fee_text = format!(
        "{} {}",
        amount::format(paid.fee, decimals(chain.as_ref(), paid.fee_token).await?),
        symbol(paid.fee_token)
    );
    let ack = paid.ack;
    let value = json!({
        "txHash": ack.tx_hash, "blknum": ack.blknum, "txindex": ack.txindex,
        "fee": paid.fee.to_string(), "feeToken": paid.fee_token,
    });
    report(json, value, || {
        format!(
            "sent {} {} to {} with a fee of {fee_text}: tx {} (block {}, index {})\nthe recipient can check it with `plasma wallet verify {}`",
            p.text,
            symbol(p.token),
            p.to,
            ack.tx_hash,
            ack.blknum,
            ack.txindex,
            ack.tx_hash
        )
    })
}

/// `plasma wallet fees`.
pub(crate) async fn fees(
    wallet: &Wallet<RpcChain>,
    plasma: &Plasma<RpcChain>,
    json: bool,
) -> Result<()> {
    let quote = wallet.fees().await?;
    let chain = plasma.chain();
    let mut lines = vec![format!("block {} (being filled):", quote.pending_block)];
    let describe = async |rates: &[plasma_operator::FeeRateInfo]| -> Result<Vec<String>> {
        if rates.is_empty() {
            return Ok(vec!["  no fee".into()]);
        }
        let mut out = Vec::new();
        for r in rates {
            let dec = decimals(chain.as_ref(), r.token).await?;
            let f = |v: U256| format!("{} {}", amount::format(v, dec), symbol(r.token));
            out.push(format!(
                "  {} per payment, + {} per input, + {} per output (1 input and 2 outputs: {})",
                f(r.base),
                f(r.per_input),
                f(r.per_output),
                f(r.fee_for(1, 2))
            ));
        }
        Ok(out)
    };
    lines.extend(describe(&quote.rates).await?);
    if let Some(next) = &quote.next {
        lines.push(format!("from block {} on:", next.effective_block));
        lines.extend(describe(&next.rates).await?);
    }
    if let Some(claimer) = quote.claimer {
        lines.push(format!("fees go to {claimer}"));
    }
    let rates_json = |rates: &[plasma_operator::FeeRateInfo]| {
        let each = rates.iter().map(|r| {
            json!({"token": r.token, "base": r.base.to_string(),
                   "perInput": r.per_input.to_string(), "perOutput": r.per_output.to_string()})
        });
        each.collect::<Vec<_>>()
    };
    let value = json!({
        "pendingBlock": quote.pending_block,
        "rates": rates_json(&quote.rates),
        "next": quote.next.as_ref().map(|n| json!({"effectiveBlock": n.effective_block, "rates": rates_json(&n.rates)})),
        "claimer": quote.claimer,
    });
    report(json, value, || lines.join("\n"))
}
