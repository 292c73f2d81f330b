//! Addresses as people type them. A mixed-case address must carry a valid EIP-55 checksum,
//! so that one mistyped character is refused instead of sending money to an address nobody
//! holds; all-lowercase (or all-uppercase) hex carries no checksum and is taken as written.

use alloy_primitives::Address;
use serde::{Deserialize, Deserializer};

/// Why text is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Not `0x` and 40 hex digits.
    #[error("{0:?} is not an address: expected 0x and 40 hex digits")]
    Malformed(String),
    /// Mixed case that is not the address's EIP-55 form.
    #[error(
        "{given} fails its EIP-55 checksum (its mixed case would read {checksummed}): a \
         character is probably mistyped; check it, or write the address all in lowercase"
    )]
    BadChecksum {
        /// What was given.
        given: String,
        /// The checksummed form of the same 20 bytes.
        checksummed: String,
    },
}

/// Parses `text` as an address, checking the EIP-55 checksum of a mixed-case one.
pub fn parse_address(text: &str) -> Result<Address, AddressError> {
    let digits = text.strip_prefix("0x").unwrap_or("");
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::Malformed(text.to_owned()));
    }
    let address: Address = text.parse().map_err(|_| AddressError::Malformed(text.to_owned()))?;
    let mixed = digits.bytes().any(|b| b.is_ascii_lowercase())
        && digits.bytes().any(|b| b.is_ascii_uppercase());
    let checksummed = address.to_checksum(None);
    if mixed && checksummed != text {
        return Err(AddressError::BadChecksum { given: text.to_owned(), checksummed });
    }
    Ok(address)
}

/// `#[serde(deserialize_with = "plasma_primitives::address::checked")]`: an address field
/// read with [`parse_address`].
pub fn checked<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_address(&text).map_err(serde::de::Error::custom)
}

/// [`checked`] for an optional field (with `#[serde(default)]`).
pub fn checked_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Address>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| parse_address(&text).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_mixed_case_address_is_refused_and_the_others_are_taken() {
        let any = Address::repeat_byte(0xab);
        let checksummed = any.to_checksum(None);
        assert_eq!(parse_address(&checksummed), Ok(any));
        assert_eq!(parse_address(&checksummed.to_lowercase()), Ok(any));
        assert_eq!(parse_address(&format!("0x{}", checksummed[2..].to_uppercase())), Ok(any));
        // One letter's case flipped: the same bytes, not their checksum.
        let mut flipped: Vec<char> = checksummed.chars().collect();
        flipped[2] = if flipped[2].is_ascii_uppercase() {
            flipped[2].to_ascii_lowercase()
        } else {
            flipped[2].to_ascii_uppercase()
        };
        let flipped: String = flipped.into_iter().collect();
        assert_eq!(
            parse_address(&flipped),
            Err(AddressError::BadChecksum { given: flipped.clone(), checksummed })
        );
        // Seen on the devnet: Bob's checksummed address with its last character changed.
        let typo = "0x9BE140Cbd6FAfF7DD20b66b38167F460C50e3A1b";
        assert!(matches!(parse_address(typo), Err(AddressError::BadChecksum { .. })));
        let no_prefix = "ab".repeat(20);
        for bad in ["", "0x", "0x1234", no_prefix.as_str(), &format!("0x{}", "g".repeat(40))] {
            assert!(matches!(parse_address(bad), Err(AddressError::Malformed(_))), "{bad}");
        }
    }
}
