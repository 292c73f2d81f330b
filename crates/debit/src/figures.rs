//! Storage figures for the docs: what a Plasma Debit holder keeps, against Plasma Cash for
//! the same use. Both keep a proof for every operator block; Debit adds, per pay, the pay and
//! the proof of its other leg. But a Cash holder who must pay any amount down to a unit needs
//! coins of every denomination (1, 2, 4, … units: `k` coins to pay up to `2^k` units
//! exactly), each with its own history, while a Debit holder has one coin: the difference is
//! the number of coins.

use alloy_primitives::{Address, U256};
use plasma_primitives::{
    cash::expected_proof_bytes,
    debit::{DebitTx, PayTx},
};
use serde::Serialize;
use std::fmt::Write;

/// Seconds in a (365-day) year.
pub const YEAR_SECS: u64 = 365 * 24 * 3600;

/// Bytes of a stored signature (mode byte + r ‖ s ‖ v).
pub const SIGNATURE_BYTES: u64 = 66;

/// A representative pay's RLP size: 8-byte slots, a `prevBlock` of a year of 15 s blocks,
/// balances and an amount of about an ether, two addresses.
pub fn typical_pay_bytes() -> u64 {
    let pay = DebitTx::Pay(PayTx {
        from_slot: u64::MAX,
        from_prev_block: U256::from(2_102_000_000u64),
        from_owner: Address::repeat_byte(0xaa),
        from_balance: U256::from(999_999_999_999_999_999u64),
        to_slot: u64::MAX - 1,
        to_owner: Address::repeat_byte(0xbb),
        amount: U256::from(123_456_789_012_345_678u64),
    });
    pay.encode().len() as u64
}

/// One way a chain could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaymentScenario {
    /// Seconds between operator blocks.
    pub block_interval_secs: u64,
    /// Payments in each operator block.
    pub payments_per_block: u64,
    /// Payments a holder makes or receives a year.
    pub payments_per_year: u64,
    /// Denominations a Cash holder needs to pay any amount exactly (`k` for amounts up to
    /// `2^k` units), and so the coins it keeps.
    pub cash_denominations: u64,
}

/// What a holder keeps for a year, both ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HolderData {
    /// The scenario.
    pub scenario: PaymentScenario,
    /// Plasma Debit: one coin, a proof per block (a pay is the leaf at two slots, so a block
    /// of `n` payments has `2n` leaves) and per pay its bytes, signature and other leg's proof.
    pub debit_bytes_per_year: f64,
    /// Plasma Cash: `cash_denominations` coins, each a proof per block (a payment moves half
    /// of them on average, so a block of `n` payments has `n·k/2` leaves) and per move a tx,
    /// a signature.
    pub cash_bytes_per_year: f64,
}

impl HolderData {
    /// How many times more Cash keeps.
    pub fn ratio(&self) -> f64 {
        self.cash_bytes_per_year / self.debit_bytes_per_year
    }
}

/// The year of data a holder keeps in scenario `s` (expected proof sizes).
pub fn holder_data(s: &PaymentScenario) -> HolderData {
    let blocks = YEAR_SECS as f64 / s.block_interval_secs.max(1) as f64;
    let payments = (s.payments_per_year as f64).min(blocks);
    let k = s.cash_denominations.max(1) as f64;
    let debit_proof = expected_proof_bytes(2 * s.payments_per_block);
    let pay_entry = (typical_pay_bytes() + SIGNATURE_BYTES) as f64 + debit_proof;
    let debit = blocks * debit_proof + payments * pay_entry;
    let cash_leaves = (s.payments_per_block as f64 * k / 2.0).ceil() as u64;
    let cash_proof = expected_proof_bytes(cash_leaves);
    // A Cash coin tx is 45 bytes of RLP (plasma_cash::figures::typical_tx_bytes).
    let move_entry = (45 + SIGNATURE_BYTES) as f64;
    let cash = k * blocks * cash_proof + payments * (k / 2.0) * move_entry;
    HolderData { scenario: *s, debit_bytes_per_year: debit, cash_bytes_per_year: cash }
}

/// The docs' scenarios: a block every minute with 1,000 or 100,000 payments, a holder paying
/// or paid 1,000 times a year, amounts down to a unit of 10^-6 of the largest (20
/// denominations) or 10^-3 (10).
pub fn default_scenarios() -> Vec<PaymentScenario> {
    let mut out = Vec::new();
    for payments_per_block in [1_000, 100_000] {
        for cash_denominations in [10, 20] {
            out.push(PaymentScenario {
                block_interval_secs: 60,
                payments_per_block,
                payments_per_year: 1_000,
                cash_denominations,
            });
        }
    }
    out
}

/// The figures as a markdown table.
pub fn render_markdown(rows: &[HolderData]) -> String {
    let mut out = String::from(
        "| payments per block | Cash denominations | Debit: one coin, per year \
         | Cash: the coins, per year | Cash / Debit |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in rows {
        let s = &r.scenario;
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} MB | {:.1} MB | {:.1}× |",
            s.payments_per_block,
            s.cash_denominations,
            r.debit_bytes_per_year / 1e6,
            r.cash_bytes_per_year / 1e6,
            r.ratio()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_coin_keeps_about_the_denominations_times_less() {
        let rows: Vec<HolderData> = default_scenarios().iter().map(holder_data).collect();
        for r in &rows {
            let k = r.scenario.cash_denominations as f64;
            // Per block both keep about one proof per coin; Debit's trees hold more leaves
            // per payment at small k, Cash's at large k, so the ratio stays near k.
            assert!(r.ratio() > 0.7 * k && r.ratio() < 1.3 * k, "{r:?}");
        }
        assert_eq!(typical_pay_bytes(), 86);
        let md = render_markdown(&rows);
        assert!(md.contains("| 1000 | 20 |"), "{md}");
    }
}
