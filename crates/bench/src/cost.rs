//! What a transfer costs on L1, directly and through Plasma, from measured gas.
//!
//! Through Plasma a transfer pays a share of its block's root (`submitBlock / fill`) and a
//! share of its owner's way in and out (`deposit + startStandardExit + processExits`, spread
//! over the transfers made between one deposit and one exit). Directly on Ethereum it pays a
//! whole ETH or ERC20 transfer.

use crate::gas::GasFigures;
use serde::Serialize;

/// The scenario to price.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostInputs {
    /// Transfers to price.
    pub transfers: u64,
    /// Transactions per child-chain block.
    pub block_fill: u64,
    /// Transfers each user makes between one deposit and one exit.
    pub transfers_per_cycle: u64,
    /// L1 gas price in gwei.
    pub gas_price_gwei: f64,
    /// ETH price in dollars.
    pub eth_usd: f64,
    /// Price ERC20 transfers (instead of ETH).
    pub erc20: bool,
    /// The fee the operator asks per transfer, in wei of ETH.
    pub fee_wei: f64,
}

/// The priced scenario.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    /// Gas per transfer done directly on L1.
    pub direct_gas_per_transfer: f64,
    /// Gas per transfer for the block root alone.
    pub root_gas_per_transfer: f64,
    /// Gas per transfer for deposit and exit, amortized.
    pub entry_exit_gas_per_transfer: f64,
    /// Gas per transfer through Plasma, all included.
    pub plasma_gas_per_transfer: f64,
    /// Dollars for all the transfers, directly.
    pub direct_usd: f64,
    /// Dollars for all the transfers, through Plasma.
    pub plasma_usd: f64,
    /// `direct / plasma`.
    pub saving_ratio: f64,
    /// Fewest transfers per deposit-and-exit for Plasma to be cheaper.
    pub break_even_transfers_per_cycle: Option<u64>,
    /// The operator's economics at this fill and fee.
    pub operator: OperatorEconomics,
}

/// What running the chain earns and costs the operator, per block, on L1.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorEconomics {
    /// Fees of one block: fill × fee per transfer (wei).
    pub revenue_per_block_wei: f64,
    /// The block's root submission on L1 (wei).
    pub submission_per_block_wei: f64,
    /// Revenue less submission (wei).
    pub margin_per_block_wei: f64,
    /// The fee per transfer at which the fees of a block pay its submission (wei).
    pub break_even_fee_wei: f64,
    /// The fewest transactions per block at which this fee pays the submission (none if even a
    /// full block does not).
    pub break_even_fill: Option<u64>,
}

/// The operator's economics: `submitBlock`'s gas is its cost per block; `fill × fee` its
/// revenue. (Exiting the collected fees is one exit per claim it chooses to take out, spread
/// over as many blocks as it likes: left out here.)
pub fn operator_economics(gas: &GasFigures, inputs: &CostInputs) -> OperatorEconomics {
    let wei_per_gas = inputs.gas_price_gwei * 1e9;
    let submission = gas.submit_block as f64 * wei_per_gas;
    let fill = inputs.block_fill.max(1) as f64;
    let revenue = fill * inputs.fee_wei;
    let needed = (submission / inputs.fee_wei.max(f64::MIN_POSITIVE)).ceil();
    OperatorEconomics {
        revenue_per_block_wei: revenue,
        submission_per_block_wei: submission,
        margin_per_block_wei: revenue - submission,
        break_even_fee_wei: submission / fill,
        break_even_fill: (needed <= 65_536.0).then_some(needed.max(1.0) as u64),
    }
}

/// Gas of one user's deposit and exit.
pub fn entry_exit_gas(gas: &GasFigures, erc20: bool) -> u64 {
    let deposit = if erc20 { gas.erc20_approve + gas.deposit_erc20 } else { gas.deposit_eth };
    deposit + gas.start_standard_exit + gas.process_exit_per_exit
}

/// Prices `inputs` with measured `gas`.
pub fn price(gas: &GasFigures, inputs: &CostInputs) -> CostReport {
    let direct = if inputs.erc20 { gas.erc20_transfer } else { gas.eth_transfer } as f64;
    let root = gas.submit_block as f64 / inputs.block_fill.max(1) as f64;
    let cycle = entry_exit_gas(gas, inputs.erc20) as f64;
    let entry_exit = cycle / inputs.transfers_per_cycle.max(1) as f64;
    let plasma = root + entry_exit;
    let usd_per_gas = inputs.gas_price_gwei * 1e-9 * inputs.eth_usd;
    let break_even = (direct > root).then(|| (cycle / (direct - root)).floor() as u64 + 1);
    CostReport {
        direct_gas_per_transfer: direct,
        root_gas_per_transfer: root,
        entry_exit_gas_per_transfer: entry_exit,
        plasma_gas_per_transfer: plasma,
        direct_usd: direct * inputs.transfers as f64 * usd_per_gas,
        plasma_usd: plasma * inputs.transfers as f64 * usd_per_gas,
        saving_ratio: direct / plasma,
        break_even_transfers_per_cycle: break_even,
        operator: operator_economics(gas, inputs),
    }
}

/// An SVG plot, log-log, of L1 gas per transfer against block fill for the scenario
/// `inputs` (its token and transfers per cycle): the direct transfer on L1, Plasma with and
/// without the deposit and exit, and a marker at the scenario's own fill.
pub fn plot_svg(gas: &GasFigures, inputs: &CostInputs) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 440.0, 80.0, 20.0, 30.0, 50.0);
    let (x_max, y_min, y_max) = (65_536f64.log10(), -1.0f64, 5.0f64);
    let x = |fill: f64| left + fill.log10() / x_max * (w - left - right);
    let y = |g: f64| {
        top + (y_max - g.max(10f64.powf(y_min)).log10()) / (y_max - y_min) * (h - top - bottom)
    };
    let fills: Vec<f64> = (0..=64).map(|i| 2f64.powf(i as f64 / 4.0)).collect();
    let polyline = |f: &dyn Fn(f64) -> f64, color: &str| {
        let points: Vec<String> =
            fills.iter().map(|&n| format!("{:.1},{:.1}", x(n), y(f(n)))).collect();
        format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>\n",
            points.join(" ")
        )
    };
    let (token, direct) = if inputs.erc20 {
        ("ERC20", gas.erc20_transfer as f64)
    } else {
        ("ETH", gas.eth_transfer as f64)
    };
    let per_cycle = inputs.transfers_per_cycle.max(1);
    let cycle = entry_exit_gas(gas, inputs.erc20) as f64 / per_cycle as f64;
    let submit = gas.submit_block as f64;
    let plasma = |n: f64| submit / n + cycle;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{left}\" y=\"20\" font-size=\"15\">L1 gas per {token} transfer against block fill (log-log)</text>\n"
    );
    svg += &plot_axes(&x, &y, (w, h, left, right, top, bottom));
    // The fee, in gas at the scenario's price: where it meets the root's share, the
    // operator's fees pay its submissions.
    let fee_gas = inputs.fee_wei / (inputs.gas_price_gwei * 1e9);
    let lines: [(&GasCurve<'_>, &str, String); 4] = [
        (&|_| direct, "#d62728", format!("{token} transfer directly on L1")),
        (&plasma, "#1f77b4", format!("Plasma, 1 deposit+exit per {per_cycle} transfers")),
        (
            &|n| submit / n,
            "#2ca02c",
            "Plasma, block root only (the operator's break-even fee)".into(),
        ),
        (
            &|_| fee_gas,
            "#9467bd",
            format!("fee per transfer ({} gwei of ETH)", inputs.fee_wei / 1e9),
        ),
    ];
    // The legend sits low on the left, where every line is far above it.
    let legend_top = h - bottom - 16.0 - 18.0 * lines.len() as f64;
    for (i, (f, color, label)) in lines.iter().enumerate() {
        svg += &polyline(*f, color);
        svg += &format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" fill=\"{color}\" font-size=\"13\">{label}</text>\n",
            left + 10.0,
            legend_top + 18.0 * (i as f64 + 1.0)
        );
    }
    let fill = inputs.block_fill.clamp(1, 65_536) as f64;
    let (fx, at) = (x(fill), plasma(fill));
    svg += &format!(
        "<line x1=\"{fx:.1}\" x2=\"{fx:.1}\" y1=\"{top}\" y2=\"{:.0}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n<circle cx=\"{fx:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#1f77b4\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">fill {} : {at:.1} gas</text>\n",
        h - bottom,
        y(at),
        fx + 6.0,
        y(at) - 8.0,
        inputs.block_fill
    );
    svg += "</svg>\n";
    svg
}

/// Gas per transfer at a block fill.
type GasCurve<'a> = dyn Fn(f64) -> f64 + 'a;

/// The grid, the tick labels and both axis titles.
fn plot_axes(
    x: &dyn Fn(f64) -> f64,
    y: &dyn Fn(f64) -> f64,
    (w, h, left, right, top, bottom): (f64, f64, f64, f64, f64, f64),
) -> String {
    let mut svg = String::new();
    for p in [-1, 0, 1, 2, 3, 4, 5] {
        let yy = y(10f64.powi(p));
        svg += &format!(
            "<line x1=\"{left}\" x2=\"{:.0}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/><text x=\"{:.0}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">1e{p}</text>\n",
            w - right,
            left - 6.0,
            yy + 4.0
        );
    }
    for fill in [1u32, 16, 256, 4096, 65536] {
        let xx = x(f64::from(fill));
        svg += &format!(
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{top}\" y2=\"{:.0}\" stroke=\"#ddd\"/><text x=\"{xx:.1}\" y=\"{:.0}\" font-size=\"11\" text-anchor=\"middle\">{fill}</text>\n",
            h - bottom,
            h - bottom + 16.0
        );
    }
    let middle = (top + h - bottom) / 2.0;
    svg += &format!(
        "<text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\">transactions per block</text>\n<text x=\"16\" y=\"{middle:.0}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 {middle:.0})\">L1 gas per transfer</text>\n",
        (left + w - right) / 2.0,
        h - 12.0
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> GasFigures {
        GasFigures {
            eth_transfer: 21_000,
            erc20_transfer: 34_000,
            erc20_transfer_new_holder: 51_000,
            submit_block: 51_000,
            deposit_eth: 76_000,
            erc20_approve: 46_000,
            deposit_erc20: 112_000,
            start_standard_exit: 140_000,
            challenge_standard_exit: 64_000,
            process_exit_per_exit: 36_000,
        }
    }

    #[test]
    fn a_full_block_costs_under_one_gas_per_transfer() {
        let inputs = CostInputs {
            transfers: 1,
            block_fill: 65_536,
            transfers_per_cycle: u64::MAX,
            gas_price_gwei: 1.0,
            eth_usd: 1.0,
            erc20: false,
            fee_wei: 0.0,
        };
        let report = price(&figures(), &inputs);
        assert!(report.root_gas_per_transfer < 1.0, "{report:?}");
    }

    #[test]
    fn break_even_is_where_plasma_gets_cheaper() {
        let inputs = CostInputs {
            transfers: 1000,
            block_fill: 1000,
            transfers_per_cycle: 1,
            gas_price_gwei: 10.0,
            eth_usd: 3000.0,
            erc20: false,
            fee_wei: 1e14,
        };
        let report = price(&figures(), &inputs);
        let k = report.break_even_transfers_per_cycle.unwrap();
        let at =
            |k| price(&figures(), &CostInputs { transfers_per_cycle: k, ..inputs }).saving_ratio;
        assert!(at(k) > 1.0 && at(k - 1) <= 1.0, "break-even {k}: {} / {}", at(k), at(k - 1));
        // A block with one transaction can never beat a direct transfer: its root alone costs more.
        let single = price(&figures(), &CostInputs { block_fill: 1, ..inputs });
        assert_eq!(single.break_even_transfers_per_cycle, None);
    }

    #[test]
    fn the_operator_breaks_even_where_its_fees_pay_the_root() {
        // 51,000 gas at 10 gwei = 510,000 gwei per block: over 1000 transfers, 510 gwei each.
        let inputs = CostInputs {
            transfers: 1,
            block_fill: 1000,
            transfers_per_cycle: 1,
            gas_price_gwei: 10.0,
            eth_usd: 3000.0,
            erc20: false,
            fee_wei: 1e12,
        };
        let op = price(&figures(), &inputs).operator;
        assert_eq!(op.break_even_fee_wei, 510e9);
        assert_eq!(op.submission_per_block_wei, 510e12);
        assert_eq!(op.revenue_per_block_wei, 1e15);
        assert_eq!(op.break_even_fill, Some(510), "1,000 gwei a transfer pays the root from 510");
        let tiny = operator_economics(&figures(), &CostInputs { fee_wei: 1.0, ..inputs });
        assert_eq!(tiny.break_even_fill, None, "1 wei a transfer never pays it");
    }

    #[test]
    fn the_plot_follows_the_token_and_marks_the_fill() {
        let inputs = CostInputs {
            transfers: 1,
            block_fill: 329,
            transfers_per_cycle: 120,
            gas_price_gwei: 20.0,
            eth_usd: 3000.0,
            erc20: true,
            fee_wei: 1e14,
        };
        let erc20 = plot_svg(&figures(), &inputs);
        let eth = plot_svg(&figures(), &CostInputs { erc20: false, ..inputs });
        assert!(erc20.starts_with("<svg") && erc20.trim_end().ends_with("</svg>"));
        assert_eq!(erc20.matches("<polyline").count(), 4);
        assert!(erc20.contains("fee per transfer (100000 gwei of ETH)"), "{erc20}");
        assert!(erc20.contains("ERC20 transfer directly on L1") && eth.contains("ETH transfer"));
        assert_ne!(erc20, eth, "the token changes the curves");
        let at = price(&figures(), &inputs).plasma_gas_per_transfer;
        assert!(erc20.contains(&format!("fill 329 : {at:.1} gas")), "{erc20}");
        assert!(erc20.contains(">L1 gas per transfer</text>"));
    }
}
