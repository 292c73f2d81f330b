//! Output positions: `utxoPos = blknum · 10⁹ + txindex · 10⁴ + oindex`.

use alloy_primitives::U256;
use std::fmt;

/// Block numbers are spaced by this much per operator block, in units of `utxoPos`.
pub const BLOCK_OFFSET: u64 = 1_000_000_000;
/// Transaction indexes are spaced by this much, in units of `utxoPos`.
pub const TX_OFFSET: u64 = 10_000;
/// Operator blocks are numbered at multiples of this; deposit blocks fill the gaps.
pub const CHILD_BLOCK_INTERVAL: u64 = 1000;

/// The position of one transaction output on the child chain.
///
/// Backed by a full 256-bit word because that is what travels on the wire (a 32-byte input)
/// and what the contracts accept; child-chain rules that bound it further (txindex < 2¹⁶,
/// at most four outputs) belong to the ledger, not to the format. Serialized as the raw
/// number; zero is refused when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "U256")]
pub struct UtxoPos(U256);

impl From<UtxoPos> for U256 {
    fn from(pos: UtxoPos) -> Self {
        pos.0
    }
}

impl<'de> serde::Deserialize<'de> for UtxoPos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = U256::deserialize(d)?;
        Self::from_raw(raw)
            .ok_or_else(|| serde::de::Error::custom("output position 0 names no output"))
    }
}

impl UtxoPos {
    /// The position of output `oindex` of transaction `txindex` in block `blknum`.
    pub fn new(blknum: u64, txindex: u16, oindex: u8) -> Self {
        let pos = U256::from(blknum) * U256::from(BLOCK_OFFSET)
            + U256::from(txindex) * U256::from(TX_OFFSET)
            + U256::from(oindex);
        Self(pos)
    }

    /// Wraps a raw position; `None` for zero, which names no output.
    pub fn from_raw(raw: U256) -> Option<Self> {
        (!raw.is_zero()).then_some(Self(raw))
    }

    /// The raw 256-bit position.
    pub fn raw(self) -> U256 {
        self.0
    }

    /// The block number.
    pub fn blknum(self) -> U256 {
        self.0 / U256::from(BLOCK_OFFSET)
    }

    /// The block number, if it fits in 64 bits (every real block does).
    pub fn blknum_u64(self) -> Option<u64> {
        u64::try_from(self.blknum()).ok()
    }

    /// The transaction's index in its block (below 100,000 by construction).
    pub fn txindex(self) -> u32 {
        let rem = self.0 % U256::from(BLOCK_OFFSET);
        (rem / U256::from(TX_OFFSET)).to::<u32>()
    }

    /// The output's index in its transaction (below 10,000 by construction).
    pub fn oindex(self) -> u32 {
        (self.0 % U256::from(TX_OFFSET)).to::<u32>()
    }

    /// `txPos = utxoPos / 10⁴`: the position of the transaction, used for exit priority.
    pub fn tx_pos(self) -> U256 {
        self.0 / U256::from(TX_OFFSET)
    }

    /// The 32-byte big-endian form used as a transaction input.
    pub fn to_bytes(self) -> [u8; 32] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for UtxoPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (block {}, tx {}, output {})",
            self.0,
            self.blknum(),
            self.txindex(),
            self.oindex()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spec_example() {
        let pos = UtxoPos::new(1000, 3, 1);
        assert_eq!(pos.raw(), U256::from(1_000_000_030_001u64));
        assert_eq!(pos.tx_pos(), U256::from(100_000_003u64));
        assert_eq!(UtxoPos::from_raw(U256::ZERO), None);
    }

    proptest! {
        #[test]
        fn parts_round_trip(blknum in 0u64.., txindex: u16, oindex: u8) {
            let pos = UtxoPos::new(blknum, txindex, oindex);
            prop_assert_eq!(pos.blknum_u64(), Some(blknum));
            prop_assert_eq!(pos.txindex(), u32::from(txindex));
            prop_assert_eq!(pos.oindex(), u32::from(oindex));
            prop_assert_eq!(UtxoPos::from_raw(U256::from_be_bytes(pos.to_bytes())).unwrap_or(pos), pos);
        }
    }
}
