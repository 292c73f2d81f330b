//! The mass exit at scale (docs/exit-games.md, "Batch exits"): a thousand owners hold ten
//! outputs each when the operator withholds a block. Every owner made the watcher its
//! batch-exit agent beforehand (one L1 call each); on "exit now" the watcher starts batch
//! exits of all 10,000 outputs in a few L1 transactions, then the batches are processed at the
//! head of the queue and every owner is accounted to the wei.

use super::{
    Account, MEP, OPERATOR, ScenarioError, ScenarioReport, WATCHER, World, addr, all_logs, fail,
};
use plasma_framework::PlasmaEvent;
use plasma_primitives::{
    Address, B256, Output, PaymentTx, SignedTx, U256, UtxoPos, batch::decode_batch, units::ether,
};
use plasma_rootchain::{DevChain, EmbeddedChain, EmbeddedConfig, RootChain, dev_key};
use plasma_watcher::WatcherEvent;
use std::{collections::BTreeMap, time::Instant};

const OWNERS: usize = 1000;
const OUTPUTS_PER_OWNER: usize = 10;
/// The account that deposits everything and fans it out to the owners.
const FUNDER: usize = 1;
/// The owners' development keys start here (past the chain's named accounts).
const FIRST_OWNER_KEY: usize = 100;
/// Entries settled per processing call: a whole batch of ten outputs per owner (~28k gas
/// each) fits a 30M-gas block, and each call carries the whole list as calldata, so fewer
/// calls are cheaper (a batch of single-output owners, ~40k each, would need two).
const PROCESS_CHUNK: u64 = 1024;
const L1_BLOCK_GAS: u64 = 30_000_000;

fn owner(i: usize) -> Address {
    dev_key(FIRST_OWNER_KEY + i).address()
}

/// One output to create: who gets it and how much.
type Payee = (Address, U256);

/// Splits each of `inputs` (the funder's outputs) into outputs, `count` in all (at most four
/// per input), paying output `k` to `payee(k)`; amounts split evenly, the remainder to the
/// first output of each transaction.
fn split(
    w: &World,
    inputs: &[(UtxoPos, U256)],
    count: usize,
    payee: impl Fn(usize) -> Address,
) -> Result<(Vec<SignedTx>, Vec<Vec<Payee>>), ScenarioError> {
    let mut txs = Vec::new();
    let mut outputs = Vec::new();
    let mut k = 0;
    for (i, &(input, amount)) in inputs.iter().enumerate() {
        let n = count / inputs.len() + usize::from(i < count % inputs.len());
        let share = amount / U256::from(n);
        let payees: Vec<Payee> = (0..n)
            .map(|j| {
                let extra = if j == 0 { amount - share * U256::from(n) } else { U256::ZERO };
                (payee(k + j), share + extra)
            })
            .collect();
        k += n;
        let outs = payees
            .iter()
            .map(|&(owner, amount)| Output { owner, token: Address::ZERO, amount })
            .collect();
        let tx = PaymentTx::new(vec![input], outs, B256::ZERO)
            .map_err(fail)?
            .sign(&[&dev_key(FUNDER)], &w.domain)
            .map_err(fail)?;
        txs.push(tx);
        outputs.push(payees);
    }
    Ok((txs, outputs))
}

/// Output counts of the fan-out blocks, from one deposit to a quarter of the leaves (each
/// transaction has at most four outputs).
fn fan_out_layers(leaves: usize) -> Vec<usize> {
    let mut layers = vec![leaves];
    while layers[layers.len() - 1] > 1 {
        layers.push(layers[layers.len() - 1].div_ceil(4));
    }
    layers.pop(); // the deposit itself
    layers.reverse();
    layers
}

/// Commits one block of `txs` and returns the new outputs with their positions.
async fn commit_layer(
    w: &World,
    txs: &[SignedTx],
    outputs: &[Vec<Payee>],
) -> Result<Vec<(UtxoPos, Payee)>, ScenarioError> {
    let blknum = w.commit(txs, false).await?;
    let mut created = Vec::new();
    for (j, payees) in (0u16..).zip(outputs) {
        for (n, &payee) in (0u8..).zip(payees) {
            created.push((UtxoPos::new(blknum, j, n), payee));
        }
    }
    Ok(created)
}

pub(super) async fn mass_exit() -> Result<ScenarioReport, ScenarioError> {
    let wall = Instant::now();
    let owners: Vec<Address> = (0..OWNERS).map(owner).collect();
    let mut config = EmbeddedConfig::default();
    config.accounts.extend(&owners);
    let mut w = World::on(EmbeddedChain::with_config(config)).await?;
    let mut watcher = w.watcher(owners.clone()).await?;
    for &o in &owners {
        w.plasma.set_batch_exit_agent(o, addr(WATCHER)).await.map_err(fail)?;
    }
    w.say(format!("{OWNERS} owners make the watcher their batch-exit agent (one L1 call each)"));

    let leaves = OWNERS * OUTPUTS_PER_OWNER;
    let total = ether(leaves as u64) / U256::from(100);
    let (dep, _) = w.deposit(FUNDER, total).await?;
    let mut inputs = vec![(dep, total)];
    let layers = fan_out_layers(leaves);
    let mut owned: BTreeMap<Address, U256> = BTreeMap::new();
    for (layer, &count) in layers.iter().enumerate() {
        let last = layer + 1 == layers.len();
        let payee = |k: usize| if last { owner(k / OUTPUTS_PER_OWNER) } else { addr(FUNDER) };
        let (txs, outputs) = split(&w, &inputs, count, payee)?;
        let created = commit_layer(&w, &txs, &outputs).await?;
        watcher.step().await.map_err(fail)?;
        if last {
            for (_, (o, amount)) in &created {
                *owned.entry(*o).or_default() += *amount;
            }
        }
        inputs = created.into_iter().map(|(pos, (_, amount))| (pos, amount)).collect();
    }
    w.say(format!(
        "the funder deposits {total} wei and fans it out in {} blocks into {leaves} outputs, {OUTPUTS_PER_OWNER} per owner",
        layers.len()
    ));

    // The operator commits a block whose data it never serves: the watcher calls the mass exit.
    let root = B256::repeat_byte(0xee);
    let (withheld, _) = w.plasma.submit_block(addr(OPERATOR), root).await.map_err(fail)?;
    w.chain.advance_time(3601).await.map_err(fail)?;
    let break_at = w.chain.head().await.map_err(fail)?.timestamp;
    let events = watcher.step().await.map_err(fail)?;
    let (batches, start_gas) = started_batches(&events);
    let covered: usize = batches.iter().map(|&(_, n)| n).sum();
    w.say(format!(
        "the operator withholds block {withheld}; the watcher starts {} batch exits covering {covered} outputs: {start_gas} gas, {} per output",
        batches.len(),
        start_gas / covered.max(1) as u64
    ));
    if let Some(progress) = events.iter().rev().find_map(progress_line) {
        w.say(progress);
    }
    let per_block = L1_BLOCK_GAS / (start_gas / covered.max(1) as u64).max(1);

    // After the exit period, the batches are processed at the head of the queue.
    // (Anyone may process; this processes before the watcher's next step would.)
    w.chain.advance_time(2 * MEP + 1).await.map_err(fail)?;
    let before = balances(&w, &owners).await?;
    let (calls, process_gas) = process_all(&w).await?;
    let paid = balances(&w, &owners).await?;
    watcher.step().await.map_err(fail)?;
    let end_at = w.chain.head().await.map_err(fail)?.timestamp;
    w.say(format!(
        "processing: {calls} calls, {} gas per output: {} payouts per 30M-gas L1 block",
        process_gas / covered.max(1) as u64,
        L1_BLOCK_GAS / (process_gas / covered.max(1) as u64).max(1)
    ));
    w.say(format!(
        "the whole exit took {:.1} days of L1 time from the break to the last payout (exit period {} day), {:.1} s of wall time here",
        (end_at - break_at) as f64 / 86_400.0,
        MEP / 86_400,
        wall.elapsed().as_secs_f64()
    ));

    let accounts = owners
        .iter()
        .enumerate()
        .map(|(i, o)| Account {
            name: format!("owner{i}"),
            honest: true,
            owned: owned.get(o).copied().unwrap_or_default(),
            paid_out: paid[i].saturating_sub(before[i]),
        })
        .collect();
    let alarms =
        watcher.events().iter().filter(|e| e.is_alarm()).map(|e| format!("{e:?}")).collect();
    let watcher_after = w.chain.balance(addr(WATCHER)).await.map_err(fail)?;
    Ok(ScenarioReport {
        name: "mass-exit",
        story: std::mem::take(&mut w.story),
        alarms,
        accounts,
        bonds_to_watcher: watcher_after.saturating_sub(w.watcher_start),
        exits_per_l1_block: Some(per_block),
    })
}

/// The batches the watcher started (id, outputs) and their gas.
fn started_batches(events: &[WatcherEvent]) -> (Vec<(U256, usize)>, u64) {
    let mut gas = 0;
    let mut batches = Vec::new();
    for e in events {
        if let WatcherEvent::BatchExitStartedFor { exit_id, outputs, gas_used, .. } = e {
            gas += gas_used;
            batches.push((*exit_id, *outputs));
        }
    }
    (batches, gas)
}

fn progress_line(e: &WatcherEvent) -> Option<String> {
    let WatcherEvent::MassExitProgress { outputs_covered, outputs_left, gas_spent, secs_left } = e
    else {
        return None;
    };
    Some(format!(
        "watcher progress: {outputs_covered} outputs covered, {outputs_left} left, {gas_spent} gas spent, {secs_left} s left in the exit period"
    ))
}

async fn balances(w: &World, owners: &[Address]) -> Result<Vec<U256>, ScenarioError> {
    let mut out = Vec::with_capacity(owners.len());
    for &o in owners {
        out.push(w.chain.balance(o).await.map_err(fail)?);
    }
    Ok(out)
}

/// Processes every batch exit (from their `BatchExitStarted` logs), in chunks, in queue
/// order: a batch not at the head is retried after the others. Returns the calls and gas.
async fn process_all(w: &World) -> Result<(u64, u64), ScenarioError> {
    let mut pending = Vec::new();
    for log in all_logs(&w.plasma, w.start).await.map_err(fail)? {
        if let Some(PlasmaEvent::BatchExitStarted { exit_id, entries, .. }) = w.plasma.decode(&log)
        {
            pending.push((exit_id, decode_batch(&entries).map_err(fail)?));
        }
    }
    let (mut calls, mut gas) = (0, 0);
    while !pending.is_empty() {
        let mut progressed = false;
        let mut left = Vec::new();
        for (id, entries) in pending {
            match w.plasma.process_batch_exit(addr(OPERATOR), id, &entries, PROCESS_CHUNK).await {
                Ok(receipt) => {
                    progressed = true;
                    calls += 1;
                    gas += receipt.gas_used;
                    let state = w.plasma.batch_exit(id).await.map_err(fail)?;
                    if state.is_some_and(|b| b.processed < b.count) {
                        left.push((id, entries));
                    }
                }
                Err(_) => left.push((id, entries)),
            }
        }
        if !progressed {
            return Err(fail(format!("{} batch exits cannot be processed", left.len())));
        }
        pending = left;
    }
    Ok((calls, gas))
}

#[cfg(test)]
mod tests {
    use super::fan_out_layers;

    #[test]
    fn the_fan_out_reaches_every_leaf_with_at_most_four_outputs_per_tx() {
        let layers = fan_out_layers(10_000);
        assert_eq!(layers, vec![3, 10, 40, 157, 625, 2500, 10_000]);
        let mut inputs = 1;
        for count in layers {
            assert!(count <= 4 * inputs, "{count} outputs from {inputs} inputs");
            inputs = count;
        }
    }
}
