//! Amounts of ether in wei, written once: demos, scenarios, benchmarks and tests all count in
//! whole or thousandths of an ether.

use alloy_primitives::U256;

/// Wei in one ether (10^18).
pub const WEI_PER_ETHER: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Wei in a thousandth of an ether (10^15).
pub const WEI_PER_MILLI_ETHER: U256 = U256::from_limbs([1_000_000_000_000_000, 0, 0, 0]);

/// `n` whole ether, in wei.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * WEI_PER_ETHER
}

/// `milli` thousandths of an ether, in wei.
pub fn milli_ether(milli: u64) -> U256 {
    U256::from(milli) * WEI_PER_MILLI_ETHER
}

/// `value` base units of a token with `decimals`, without trailing zeros: `1.5`, `2`,
/// `0.000001`.
pub fn format_units(value: U256, decimals: u8) -> String {
    let scale = U256::from(10u64).pow(U256::from(decimals));
    let (whole, fraction) = (value / scale, value % scale);
    if fraction.is_zero() {
        return whole.to_string();
    }
    let fraction = format!("{:0>width$}", fraction.to_string(), width = usize::from(decimals));
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_are_powers_of_ten() {
        assert_eq!(WEI_PER_ETHER, U256::from(10u64).pow(U256::from(18)));
        assert_eq!(ether(3), milli_ether(3000));
        assert_eq!(milli_ether(1), U256::from(10u64).pow(U256::from(15)));
        assert_eq!(ether(u64::MAX), U256::from(u64::MAX) * WEI_PER_ETHER);
    }
}
