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
    }
}

/// An SVG plot of gas per transfer against block fill (log-log): Plasma with and without
/// deposit/exit amortization, against direct ETH and ERC20 transfers.
pub fn plot_svg(gas: &GasFigures, transfers_per_cycle: u64) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 440.0, 70.0, 20.0, 30.0, 50.0);
    let (x_max, y_min, y_max) = (65_536f64.log10(), -1.0f64, 5.0f64);
    let x = |fill: f64| left + fill.log10() / x_max * (w - left - right);
    let y = |g: f64| {
        top + (y_max - g.max(10f64.powf(y_min)).log10()) / (y_max - y_min) * (h - top - bottom)
    };
    let fills: Vec<f64> = (0..=64).map(|i| 2f64.powf(i as f64 / 4.0)).collect();
    let line = |f: &dyn Fn(f64) -> f64, color: &str, label: &str, ly: f64| {
        let points: Vec<String> =
            fills.iter().map(|&n| format!("{:.1},{:.1}", x(n), y(f(n)))).collect();
        format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>\n<text x=\"{:.0}\" y=\"{ly:.0}\" fill=\"{color}\" font-size=\"13\">{label}</text>\n",
            points.join(" "),
            w - 300.0
        )
    };
    let cycle = entry_exit_gas(gas, false) as f64 / transfers_per_cycle.max(1) as f64;
    let submit = gas.submit_block as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{left}\" y=\"20\" font-size=\"15\">L1 gas per transfer against block fill (log-log)</text>\n"
    );
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
    svg += &format!(
        "<text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\">transactions per block</text>\n",
        (left + w - right) / 2.0,
        h - 12.0
    );
    svg += &line(&|_| gas.erc20_transfer as f64, "#d62728", "ERC20 transfer on L1", top + 20.0);
    svg += &line(&|_| gas.eth_transfer as f64, "#ff7f0e", "ETH transfer on L1", top + 38.0);
    svg += &line(
        &|n| submit / n + cycle,
        "#1f77b4",
        &format!("Plasma, 1 deposit+exit per {transfers_per_cycle} transfers"),
        top + 56.0,
    );
    svg += &line(&|n| submit / n, "#2ca02c", "Plasma, block root only", top + 74.0);
    svg += "</svg>\n";
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
    fn the_plot_is_an_svg_with_four_lines() {
        let svg = plot_svg(&figures(), 100);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 4);
    }
}
