//! The mass-exit capacity model: for N outputs, a gas price and an exit period, how many L1
//! blocks and how much ETH getting everyone out takes, and the largest chain that can start
//! all its exits within the period at a given share of L1 capacity.
//!
//! The gas per output is an input: by default the whole-transaction figures forge measures
//! for 1,024-entry batch exits (docs/gas.md, `test/BatchGas.t.sol`, which fails if they miss
//! issue 20's targets); `plasma cost --mass-exit` lets them be overridden.

use serde::Serialize;

/// L1 block gas limit the model fills.
pub const L1_BLOCK_GAS: u64 = 30_000_000;
/// Seconds per L1 block.
pub const L1_BLOCK_SECS: u64 = 12;

/// The mass exit to size.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MassExitInputs {
    /// Outputs to exit.
    pub outputs: u64,
    /// Gas per output to start its exit (batched).
    pub start_gas_per_output: u64,
    /// Gas per output to pay it out (batched).
    pub process_gas_per_output: u64,
    /// Bond locked per output until it is paid, in wei.
    pub bond_wei_per_output: f64,
    /// L1 gas price in gwei.
    pub gas_price_gwei: f64,
    /// The exit period (minExitPeriod), in seconds.
    pub exit_period_secs: u64,
    /// The share of each L1 block the exits can have (0 < share ≤ 1).
    pub l1_share: f64,
}

/// What the mass exit needs.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MassExitReport {
    /// Exits started per full L1 block.
    pub starts_per_l1_block: u64,
    /// Outputs paid out per full L1 block.
    pub payouts_per_l1_block: u64,
    /// L1 blocks of the given share needed to start every exit.
    pub start_blocks: u64,
    /// Time that takes, in seconds.
    pub start_secs: u64,
    /// Whether the starts fit in half the exit period (the margin the model asks for: the
    /// starts must land well before the withheld blocks' outputs could mature).
    pub fits_half_period: bool,
    /// L1 blocks of the given share needed to pay every output (no deadline).
    pub process_blocks: u64,
    /// ETH of gas to start every exit.
    pub start_eth: f64,
    /// ETH of gas to pay every output out.
    pub process_eth: f64,
    /// ETH of bonds locked while the exits wait.
    pub bonds_eth: f64,
    /// The most outputs that can start exiting within half the exit period at this share.
    pub max_outputs_in_half_period: u64,
}

/// Sizes a mass exit.
pub fn size(i: &MassExitInputs) -> MassExitReport {
    let per_block = |gas: u64| L1_BLOCK_GAS / gas.max(1);
    let share_gas = (L1_BLOCK_GAS as f64 * i.l1_share).max(1.0);
    let blocks = |gas: u64| ((i.outputs as f64 * gas as f64) / share_gas).ceil() as u64;
    let start_blocks = blocks(i.start_gas_per_output);
    let start_secs = start_blocks * L1_BLOCK_SECS;
    let eth = |gas: u64| i.outputs as f64 * gas as f64 * i.gas_price_gwei * 1e-9;
    let half_period_blocks = i.exit_period_secs / 2 / L1_BLOCK_SECS;
    MassExitReport {
        starts_per_l1_block: per_block(i.start_gas_per_output),
        payouts_per_l1_block: per_block(i.process_gas_per_output),
        start_blocks,
        start_secs,
        fits_half_period: start_secs <= i.exit_period_secs / 2,
        process_blocks: blocks(i.process_gas_per_output),
        start_eth: eth(i.start_gas_per_output),
        process_eth: eth(i.process_gas_per_output),
        bonds_eth: i.outputs as f64 * i.bond_wei_per_output * 1e-18,
        max_outputs_in_half_period: (half_period_blocks as f64 * share_gas
            / i.start_gas_per_output.max(1) as f64) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(outputs: u64) -> MassExitInputs {
        MassExitInputs {
            outputs,
            start_gas_per_output: 1_500,
            process_gas_per_output: 25_000,
            bond_wei_per_output: 0.071e18,
            gas_price_gwei: 20.0,
            exit_period_secs: 7 * 86_400,
            l1_share: 0.1,
        }
    }

    #[test]
    fn a_million_outputs_start_in_hours_at_a_tenth_of_l1() {
        let r = size(&inputs(1_000_000));
        assert_eq!(r.starts_per_l1_block, 20_000);
        assert_eq!(r.payouts_per_l1_block, 1_200);
        // 1.5e9 gas over 3M-gas shares: 500 blocks, 6,000 s.
        assert_eq!(r.start_blocks, 500);
        assert_eq!(r.start_secs, 6_000);
        assert!(r.fits_half_period);
        assert_eq!(r.process_blocks, 8_334);
        assert!((r.start_eth - 30.0).abs() < 1e-9, "{}", r.start_eth);
        assert!((r.bonds_eth - 71_000.0).abs() < 1e-6, "{}", r.bonds_eth);
        // Half of 7 days is 25,200 blocks of 3M gas: 50.4M outputs at 1,500 gas.
        assert_eq!(r.max_outputs_in_half_period, 50_400_000);
    }

    #[test]
    fn the_start_time_grows_linearly_with_the_outputs() {
        let one = size(&inputs(1_000_000));
        let ten = size(&inputs(10_000_000));
        assert_eq!(ten.start_blocks, 10 * one.start_blocks);
        assert!(ten.fits_half_period);
        let too_many = size(&inputs(60_000_000));
        assert!(!too_many.fits_half_period);
    }
}
