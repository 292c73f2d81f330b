//! Human amounts: `"1.5"` or `"1.5 ETH"` at 18 decimals is 1.5·10¹⁸ base units, exactly.

use alloy_primitives::U256;

/// Why an amount does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad amount {input:?}: {reason}")]
pub struct AmountError {
    /// What was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Parses `text` (digits, an optional fraction, optionally ` ETH`) at `decimals`.
pub fn parse(text: &str, decimals: u8) -> Result<U256, AmountError> {
    let err = |reason| AmountError { input: text.to_owned(), reason };
    if text.trim() != text {
        return Err(err("spaces before or after the number (a quoting slip?)"));
    }
    let mut words = text.split(' ');
    let number = words.next().filter(|n| !n.is_empty()).ok_or_else(|| err("empty"))?;
    match (words.next(), words.next()) {
        (None, _) => {}
        (Some(unit), None) if unit.eq_ignore_ascii_case("eth") && decimals == 18 => {}
        (Some(_), None) => return Err(err("the only unit understood is ETH (18 decimals)")),
        _ => return Err(err("expected a number and at most one unit")),
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(err("no digits"));
    }
    if !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return Err(err("only digits and one decimal point are allowed"));
    }
    if fraction.len() > usize::from(decimals) {
        return Err(err("more decimal places than the token has"));
    }
    let digits = format!("{whole}{fraction:0<width$}", width = usize::from(decimals));
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(digits, 10).map_err(|_| err("too large"))
}

/// Formats base units at `decimals`, without trailing zeros (`1.5`, `2`, `0.000001`).
pub use plasma_primitives::units::format_units as format;

/// `amount` of `token` for a person: ETH in ether, another token in its base units (its
/// decimals are the token contract's to say).
pub fn money(token: alloy_primitives::Address, amount: U256) -> String {
    if token.is_zero() {
        format!("{} ETH", format(amount, 18))
    } else {
        format!("{amount} base units of token {token}")
    }
}

/// "ETH or token 0xab…": a list of tokens for a sentence.
pub fn token_list(tokens: &[alloy_primitives::Address]) -> String {
    let names: Vec<String> = tokens
        .iter()
        .map(|t| if t.is_zero() { "ETH".to_string() } else { format!("token {t}") })
        .collect();
    names.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_exactly() {
        let e18 = U256::from(10u64).pow(U256::from(18));
        assert_eq!(parse("1.5", 18), Ok(e18 * U256::from(15) / U256::from(10)));
        assert_eq!(parse("1.5 ETH", 18), parse("1.5", 18));
        assert_eq!(parse("2", 6), Ok(U256::from(2_000_000)));
        assert_eq!(parse(".25", 2), Ok(U256::from(25)));
        assert_eq!(parse("0", 18), Ok(U256::ZERO));
        assert_eq!(format(U256::from(1_500_000), 6), "1.5");
        assert_eq!(format(U256::from(2_000_000), 6), "2");
        assert_eq!(format(U256::from(1), 6), "0.000001");
        for bad in
            ["", "abc", "1.2.3", "1,5", "-1", "1.0000001", "1 ETH extra", " 1", "1 ", "1 BTC"]
        {
            assert!(parse(bad, 6).is_err(), "{bad:?} should not parse");
        }
        assert!(parse(&"9".repeat(90), 18).is_err());
    }
}
