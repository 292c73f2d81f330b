//! Gas of the Plasma Debit operations a holder pays for, measured on the embedded chain with
//! the real `PlasmaDebit` bytecode and a real block of the operator's chain (whole-transaction
//! gas from receipts): the figures `plasma cost` prices a payment with.

use crate::BenchError;
use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use plasma_contracts::PlasmaDebit;
use plasma_debit::{
    DebitChain, DebitConfig, DebitEvent, DebitFacts, DepositRecord, PlasmaDebitContract,
    VerifiedCoin,
};
use plasma_primitives::debit::{DebitTx, PayTx};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, TxRequest, dev_key};
use serde::Serialize;
use std::sync::Arc;

/// Measured gas per operation (whole transaction).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DebitGas {
    /// `depositEth`: a new coin.
    pub deposit: u64,
    /// `topUp`: the operator's liquidity in a coin.
    pub top_up: u64,
    /// `submitBlock`: one block root (any number of pays).
    pub submit_block: u64,
    /// `startExit` of the payer's state after a pay (parent, pay, peer leg, payee's guard).
    pub start_exit_after_pay: u64,
    /// `addCredit`: one pay received, added to the payee's exit.
    pub add_credit: u64,
    /// `finalizeExit`: the payout split between holder and operator.
    pub finalize_exit: u64,
}

fn verified(ledger: &DebitChain, slot: u64) -> Result<VerifiedCoin, BenchError> {
    let coin = ledger.coin(slot).ok_or_else(|| crate::bench_err(format!("no coin {slot}")))?;
    let facts = DebitFacts {
        deposit: coin.deposit,
        capacity: coin.capacity,
        last_block: ledger.last_sealed().unwrap_or(0),
    };
    let history = ledger.coin_history(slot).map_err(crate::bench_err)?;
    history.verify(&|b| ledger.block_root(b), &facts).map_err(crate::bench_err)
}

/// Alice pays Bob in one block; Alice exits after the pay, Bob exits with the credit; both
/// are paid out.
pub async fn measure() -> Result<DebitGas, BenchError> {
    let chain = Arc::new(EmbeddedChain::new());
    let (operator, alice, bob) = (dev_key(0), dev_key(1), dev_key(2));
    let mut config = DebitConfig::new(operator.address());
    config.maturity_period = 3600;
    let l1 = PlasmaDebitContract::deploy(chain.clone(), operator.address(), &config).await?;
    let mut ledger = DebitChain::new();
    let amount = U256::from(10u64.pow(18));
    let (mut deposit, mut slots) = (0, [0u64; 2]);
    for (i, who) in [&alice, &bob].into_iter().enumerate() {
        let call = PlasmaDebit::depositEthCall {}.abi_encode();
        let tx = TxRequest::call(who.address(), l1.address(), call).with_value(amount);
        let receipt = chain.send(tx).await?;
        let (slot, block) = receipt
            .logs
            .iter()
            .find_map(|l| match l1.decode(l) {
                Some(DebitEvent::Deposit { slot, block, .. }) => Some((slot, block)),
                _ => None,
            })
            .ok_or_else(|| crate::bench_err("no Deposit event"))?;
        ledger
            .deposit(DepositRecord { slot, block, owner: who.address(), amount })
            .map_err(crate::bench_err)?;
        (deposit, slots[i]) = (receipt.gas_used, slot);
    }
    let top_up = l1.top_up(operator.address(), slots[1], amount).await?.gas_used;
    ledger.top_up(slots[1], amount).map_err(crate::bench_err)?;
    let pay = DebitTx::Pay(PayTx {
        from_slot: slots[0],
        from_prev_block: U256::from(ledger.coin(slots[0]).map_or(0, |c| c.state.own_block)),
        from_owner: alice.address(),
        from_balance: amount - U256::from(3u64),
        to_slot: slots[1],
        to_owner: bob.address(),
        amount: U256::from(3u64),
    });
    ledger.submit(pay, pay.sign(&alice)).map_err(crate::bench_err)?;
    let root = ledger.seal().map_err(crate::bench_err)?.root;
    let call = PlasmaDebit::submitBlockCall { root }.abi_encode();
    let submit_block =
        chain.send(TxRequest::call(operator.address(), l1.address(), call)).await?.gas_used;
    let payer = verified(&ledger, slots[0])?;
    let start_exit_after_pay =
        l1.start_exit(alice.address(), slots[0], payer.parent(), payer.latest()).await?.gas_used;
    let payee = verified(&ledger, slots[1])?;
    l1.start_exit(bob.address(), slots[1], payee.parent(), payee.latest()).await?;
    let credit = payee.credits.first().ok_or_else(|| crate::bench_err("no credit"))?;
    let add_credit = l1.add_credit(bob.address(), slots[1], credit).await?.gas_used;
    chain.advance_time(3601).await?;
    let finalize_exit = l1.finalize_exit(operator.address(), slots[0]).await?.gas_used;
    Ok(DebitGas { deposit, top_up, submit_block, start_exit_after_pay, add_credit, finalize_exit })
}

/// What a Debit payment costs on L1, all included.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DebitCost {
    /// The block root's share: `submitBlock / payments per block`.
    pub root_gas_per_payment: f64,
    /// A holder's way in and out (deposit, exit after a pay, one credit added, payout), spread
    /// over its payments.
    pub entry_exit_gas_per_payment: f64,
    /// Both.
    pub total_gas_per_payment: f64,
}

/// The gas of one payment at `fill` payments per block, `per_cycle` payments per holder
/// between its deposit and its exit.
pub fn per_payment(gas: &DebitGas, fill: u64, per_cycle: u64) -> DebitCost {
    let cycle = gas.deposit + gas.start_exit_after_pay + gas.add_credit + gas.finalize_exit;
    let root = gas.submit_block as f64 / fill.max(1) as f64;
    let entry_exit = cycle as f64 / per_cycle.max(1) as f64;
    DebitCost {
        root_gas_per_payment: root,
        entry_exit_gas_per_payment: entry_exit,
        total_gas_per_payment: root + entry_exit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_payment_costs_its_share_of_the_root_and_of_the_holders_way_in_and_out() {
        let gas = measure().await.unwrap();
        // A pay's exit checks two legs and the payee's guard: dearer than a deposit, far below
        // a block of them.
        assert!(gas.start_exit_after_pay > gas.deposit, "{gas:?}");
        assert!(gas.submit_block < 100_000 && gas.finalize_exit < 100_000, "{gas:?}");
        let cost = per_payment(&gas, 65_536, 100);
        assert!(cost.root_gas_per_payment < 1.0, "{cost:?}");
        let cycle = gas.deposit + gas.start_exit_after_pay + gas.add_credit + gas.finalize_exit;
        assert!((cost.entry_exit_gas_per_payment - cycle as f64 / 100.0).abs() < 1e-9);
    }
}
