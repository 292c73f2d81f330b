//! `plasma cost`: what a volume of transfers costs on L1, directly and through Plasma.

use anyhow::{Context, Result};
use clap::Args;
use plasma_bench::cost::{CostInputs, entry_exit_gas, plot_svg, price};
use plasma_bench::mass_exit::{L1_BLOCK_SECS, MassExitInputs, size};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    /// Transfers to price.
    #[arg(long, default_value_t = 1_000_000)]
    transfers: u64,
    /// Transactions per child-chain block.
    #[arg(long, default_value_t = 65_536)]
    fill: u64,
    /// Transfers each user makes between one deposit and one exit.
    #[arg(long = "per-cycle", default_value_t = 100)]
    per_cycle: u64,
    /// L1 gas price in gwei.
    #[arg(long = "gas-price", default_value_t = 20.0, value_parser = positive_finite)]
    gas_price_gwei: f64,
    /// ETH price in dollars.
    #[arg(long = "eth-usd", default_value_t = 3000.0, value_parser = positive_finite)]
    eth_usd: f64,
    /// Price ERC20 transfers instead of ETH.
    #[arg(long)]
    erc20: bool,
    /// The operator's fee per transfer, in wei of ETH (the devnet's is 0.0001 ETH).
    #[arg(long = "fee-wei", default_value_t = 1e14, value_parser = non_negative_finite)]
    fee_wei: f64,
    /// Write an SVG plot of gas per transfer against block fill here.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Size a mass exit of this many outputs instead (batch exits; no gas is measured: the
    /// per-output figures below default to forge's, docs/gas.md).
    #[arg(long = "mass-exit")]
    mass_exit: Option<u64>,
    /// Mass exit: gas to start one output's exit (default: a watcher's 1,024-entry batch for
    /// owners of 8 outputs, test/BatchGas.t.sol).
    #[arg(long = "start-gas", default_value_t = 1_906)]
    start_gas: u64,
    /// Mass exit: gas to pay one output out.
    #[arg(long = "process-gas", default_value_t = 26_469)]
    process_gas: u64,
    /// Mass exit: the bond per output, in ETH (batchEntryBond() of the default deployment).
    #[arg(long = "bond-eth", default_value_t = 0.071, value_parser = non_negative_finite)]
    bond_eth: f64,
    /// Mass exit: the exit period (minExitPeriod), in days.
    #[arg(long = "exit-period-days", default_value_t = 7.0, value_parser = positive_finite)]
    exit_period_days: f64,
    /// Mass exit: the share of each L1 block the exits get (0 to 1).
    #[arg(long = "l1-share", default_value_t = 0.1, value_parser = positive_finite)]
    l1_share: f64,
}

/// A fee: a finite number, zero or more.
fn non_negative_finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!("{text:?} is {v}: give a finite number, zero or more")),
        Err(e) => Err(format!("{text:?} is not a number: {e}")),
    }
}

/// A price: a finite number above zero (`1e999` is infinite, not a price).
fn positive_finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(v) => Err(format!("{text:?} is {v}: give a finite number above zero")),
        Err(e) => Err(format!("{text:?} is not a number: {e}")),
    }
}

pub(crate) async fn run(args: CostArgs) -> Result<()> {
    if let Some(outputs) = args.mass_exit {
        return mass_exit(&args, outputs);
    }
    anyhow::ensure!(
        (1..=65_536).contains(&args.fill),
        "--fill must be 1 to 65536, got {}",
        args.fill
    );
    anyhow::ensure!(args.per_cycle > 0, "--per-cycle must be positive");
    eprintln!("measuring gas on the embedded chain");
    let gas = plasma_bench::gas::measure().await?;
    let debit_gas = plasma_bench::debit_gas::measure().await?;
    let debit = plasma_bench::debit_gas::per_payment(&debit_gas, args.fill, args.per_cycle);
    let inputs = CostInputs {
        transfers: args.transfers,
        block_fill: args.fill,
        transfers_per_cycle: args.per_cycle,
        gas_price_gwei: args.gas_price_gwei,
        eth_usd: args.eth_usd,
        erc20: args.erc20,
        fee_wei: args.fee_wei,
    };
    let report = price(&gas, &inputs);
    if let Some(path) = &args.plot {
        std::fs::write(path, plot_svg(&gas, &inputs))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        let out = serde_json::json!({
            "gas": gas,
            "inputs": inputs,
            "report": report,
            "debit": { "gas": debit_gas, "cost": debit },
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let kind = if args.erc20 { "ERC20" } else { "ETH" };
    println!(
        "{} {kind} transfers, {} per block, one deposit+exit per {} transfers, {} gwei, ${}/ETH",
        args.transfers, args.fill, args.per_cycle, args.gas_price_gwei, args.eth_usd
    );
    println!(
        "  gas per transfer, directly on L1          {:>12.1}",
        report.direct_gas_per_transfer
    );
    println!("  gas per transfer, Plasma block root       {:>12.3}", report.root_gas_per_transfer);
    println!(
        "  gas per transfer, deposit+exit amortized  {:>12.1}   ({} gas per cycle)",
        report.entry_exit_gas_per_transfer,
        entry_exit_gas(&gas, args.erc20)
    );
    println!(
        "  gas per transfer, Plasma total            {:>12.1}",
        report.plasma_gas_per_transfer
    );
    println!("  cost directly on L1                       {:>12.2} $", report.direct_usd);
    println!("  cost through Plasma                       {:>12.2} $", report.plasma_usd);
    println!("  saving                                    {:>12.1} ×", report.saving_ratio);
    // Below this an output is dust: not worth exiting if the operator withholds blocks.
    let exit_gas = gas.start_standard_exit + gas.process_exit_per_exit;
    let exit_wei = exit_gas as f64 * args.gas_price_gwei * 1e9;
    println!(
        "  exit of one output                        {:>12} gas = {:.0} wei (dust below it: --fee.dust-wei)",
        exit_gas, exit_wei
    );
    match report.break_even_transfers_per_cycle {
        Some(k) => println!("  break-even: at least {k} transfers per deposit-and-exit"),
        None => println!(
            "  break-even: never at this block fill (the root alone costs more than a transfer)"
        ),
    }
    let op = &report.operator;
    let gwei = |wei: f64| wei / 1e9;
    let eth = |wei: f64| wei / 1e18;
    println!(
        "  operator, per block: fees {:.8} ETH, root submission {:.8} ETH, margin {:.8} ETH",
        eth(op.revenue_per_block_wei),
        eth(op.submission_per_block_wei),
        eth(op.margin_per_block_wei)
    );
    println!(
        "  operator break-even fee per transfer      {:>12.3} gwei ({:.0} wei)",
        gwei(op.break_even_fee_wei),
        op.break_even_fee_wei
    );
    match op.break_even_fill {
        Some(n) => println!("  operator break-even fill at this fee: {n} transactions per block"),
        None => println!(
            "  operator break-even fill: never at this fee (a full block's fees do not pay its root)"
        ),
    }
    println!(
        "  Plasma Debit (any amount, ETH), gas per payment: root {:.3}, deposit+exit+credit+payout amortized {:.1}, total {:.1}",
        debit.root_gas_per_payment, debit.entry_exit_gas_per_payment, debit.total_gas_per_payment
    );
    println!(
        "    (deposit {}, topUp {}, startExit after a pay {}, addCredit {}, finalizeExit {} gas)",
        debit_gas.deposit,
        debit_gas.top_up,
        debit_gas.start_exit_after_pay,
        debit_gas.add_credit,
        debit_gas.finalize_exit
    );
    if let Some(path) = &args.plot {
        println!("  plot written to {}", path.display());
    }
    Ok(())
}

/// `plasma cost --mass-exit N`: the capacity model of a mass exit by batch exits.
fn mass_exit(args: &CostArgs, outputs: u64) -> Result<()> {
    anyhow::ensure!(args.l1_share <= 1.0, "--l1-share must be at most 1, got {}", args.l1_share);
    anyhow::ensure!(args.start_gas > 0 && args.process_gas > 0, "gas per output must be positive");
    let inputs = MassExitInputs {
        outputs,
        start_gas_per_output: args.start_gas,
        process_gas_per_output: args.process_gas,
        bond_wei_per_output: args.bond_eth * 1e18,
        gas_price_gwei: args.gas_price_gwei,
        exit_period_secs: (args.exit_period_days * 86_400.0) as u64,
        l1_share: args.l1_share,
    };
    let r = size(&inputs);
    if args.json {
        let out = serde_json::json!({ "inputs": inputs, "report": r });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let hours = |secs: u64| secs as f64 / 3600.0;
    println!(
        "mass exit of {outputs} outputs by batch exits, {} gwei, exit period {} days, {:.0}% of each L1 block",
        args.gas_price_gwei,
        args.exit_period_days,
        args.l1_share * 100.0
    );
    println!(
        "  exits per 30M-gas L1 block: {} (start, {} gas each)",
        r.starts_per_l1_block, args.start_gas
    );
    println!(
        "  payouts per 30M-gas L1 block: {} ({} gas each)",
        r.payouts_per_l1_block, args.process_gas
    );
    println!(
        "  starting every exit: {} L1 blocks, {:.1} h ({}), {:.2} ETH of gas",
        r.start_blocks,
        hours(r.start_secs),
        if r.fits_half_period {
            "within half the exit period"
        } else {
            "MORE than half the exit period"
        },
        r.start_eth
    );
    println!(
        "  paying every output: {} L1 blocks, {:.1} h (no deadline), {:.2} ETH of gas",
        r.process_blocks,
        hours(r.process_blocks * L1_BLOCK_SECS),
        r.process_eth
    );
    println!("  bonds locked until paid: {:.1} ETH", r.bonds_eth);
    println!(
        "  largest chain whose exits all start within half the exit period: {} outputs",
        r.max_outputs_in_half_period
    );
    Ok(())
}
