// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title UtxoPos
/// @notice Output positions (SPEC.md §2):
/// `utxoPos = blknum · 1_000_000_000 + txindex · 10_000 + oindex`, `txPos = utxoPos / 10_000`.
/// The getters split any uint256 without checks; `encode` validates its parts.
library UtxoPos {
    uint256 internal constant BLOCK_OFFSET = 1_000_000_000;
    uint256 internal constant TX_OFFSET = 10_000;
    /// @dev A block holds at most 2^16 transactions (the Merkle tree has depth 16).
    uint256 internal constant MAX_TXINDEX = 65_535;
    uint256 internal constant MAX_OINDEX = 9_999;

    /// @notice `txindex` is not below 65536.
    error UtxoPosTxIndexTooLarge(uint256 txindex);
    /// @notice `oindex` is not below 10000.
    error UtxoPosOutputIndexTooLarge(uint256 oindex);
    /// @notice `blknum` is so large that the position does not fit in a uint256.
    error UtxoPosBlknumTooLarge(uint256 blknum);

    function encode(uint256 blknum_, uint256 txindex_, uint256 oindex_)
        internal
        pure
        returns (uint256)
    {
        if (txindex_ > MAX_TXINDEX) revert UtxoPosTxIndexTooLarge(txindex_);
        if (oindex_ > MAX_OINDEX) revert UtxoPosOutputIndexTooLarge(oindex_);
        uint256 low = txindex_ * TX_OFFSET + oindex_; // < 655_370_000, cannot overflow
        if (blknum_ > (type(uint256).max - low) / BLOCK_OFFSET) {
            revert UtxoPosBlknumTooLarge(blknum_);
        }
        unchecked {
            return blknum_ * BLOCK_OFFSET + low;
        }
    }

    function blknum(uint256 utxoPos) internal pure returns (uint256) {
        return utxoPos / BLOCK_OFFSET;
    }

    function txIndex(uint256 utxoPos) internal pure returns (uint256) {
        return (utxoPos % BLOCK_OFFSET) / TX_OFFSET;
    }

    function outputIndex(uint256 utxoPos) internal pure returns (uint256) {
        return utxoPos % TX_OFFSET;
    }

    /// @notice The position of the transaction: `utxoPos / 10_000`.
    function txPos(uint256 utxoPos) internal pure returns (uint256) {
        return utxoPos / TX_OFFSET;
    }
}
