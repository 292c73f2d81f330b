//! Block numbering of the coin families' root chains (Plasma Cash, as Loom's, and Plasma
//! Debit): the operator submits blocks 1000, 2000, …; each deposit takes the next free number
//! after the last operator block (1, 2, …, 1001, …). Both the operator and the client need
//! these rules to know which blocks a coin's history must cover.

/// The distance between two operator blocks.
pub const BLOCK_INTERVAL: u64 = 1000;

/// Whether `block` is an operator block (a positive multiple of [`BLOCK_INTERVAL`]).
pub fn is_operator_block(block: u64) -> bool {
    block != 0 && block.is_multiple_of(BLOCK_INTERVAL)
}

/// Whether `block` is a deposit block (a number between two operator blocks).
pub fn is_deposit_block(block: u64) -> bool {
    !block.is_multiple_of(BLOCK_INTERVAL)
}

/// The first operator block strictly after `block`, or `None` past `u64::MAX`.
pub fn next_operator_block(block: u64) -> Option<u64> {
    (block / BLOCK_INTERVAL).checked_add(1)?.checked_mul(BLOCK_INTERVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert!(!is_operator_block(0));
        assert!(is_operator_block(3000));
        assert!(is_deposit_block(1001) && !is_deposit_block(2000));
        assert_eq!(next_operator_block(0), Some(1000));
        assert_eq!(next_operator_block(1000), Some(2000));
        assert_eq!(next_operator_block(1999), Some(2000));
        assert_eq!(next_operator_block(u64::MAX), None);
    }
}
