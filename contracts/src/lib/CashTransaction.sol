// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Rlp} from "./Rlp.sol";

/// @title CashTransaction
/// @notice Decodes a Plasma Cash coin transaction and computes its hash (SPEC.md §3,
/// byte-compatible with Loom's Plasma Cash and crates/primitives/src/cash.rs):
/// `RLP([slot, prevBlock, denomination, newOwner])`.
///
/// Checks, in this order (the first failure is reported):
/// 1. the input is one strict RLP item (see `Rlp`), a list of exactly 4 items;
/// 2. `slot` is a canonical integer, below 2^64;
/// 3. `prevBlock` and `denomination` are canonical integers (at most 32 bytes);
/// 4. `newOwner` is a 20-byte string.
///
/// The hash is `keccak256(txBytes)` (the encoding is canonical, so it is the hash of the
/// decoded fields), except for a deposit (`prevBlock == 0`): `keccak256(uint64 slot as 8
/// big-endian bytes)`, which is also the root of the coin's deposit block. A deposit's hash
/// commits to its slot only: its owner and denomination must be checked against the coin.
library CashTransaction {
    using Rlp for Rlp.Item;

    struct Tx {
        uint64 slot;
        /// @dev The block of the coin's previous transaction; 0 for its deposit.
        uint256 prevBlock;
        uint256 denomination;
        address newOwner;
        /// @dev The transaction hash (see the rule above).
        bytes32 hash;
    }

    /// @notice The transaction is a list of `count` items; exactly 4 are required.
    error CashTxWrongFieldCount(uint256 count);
    /// @notice The slot `slot` does not fit in 64 bits.
    error CashTxSlotTooLarge(uint256 slot);

    /// @notice Decodes and checks `txBytes`; fills in its hash.
    function decode(bytes memory txBytes) internal pure returns (Tx memory t) {
        Rlp.Item[] memory fields = Rlp.toItem(txBytes).toList();
        if (fields.length != 4) revert CashTxWrongFieldCount(fields.length);
        uint256 slot = fields[0].toUint();
        if (slot > type(uint64).max) revert CashTxSlotTooLarge(slot);
        t.slot = uint64(slot);
        t.prevBlock = fields[1].toUint();
        t.denomination = fields[2].toUint();
        t.newOwner = fields[3].toAddress();
        t.hash = t.prevBlock == 0 ? depositHash(t.slot) : keccak256(txBytes);
    }

    /// @notice The hash of a coin's deposit transaction: keccak256 of the slot's 8 big-endian
    /// bytes (the deposit block's root).
    function depositHash(uint64 slot) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(slot));
    }

    /// @notice The slot of the `numCoins`-th coin (0-based), deposited by `from` through
    /// `sender` (the token contract for token deposits, else the depositor):
    /// `uint64(bytes8(keccak256(abi.encodePacked(uint64 numCoins, sender, from))))`.
    function slotOf(uint64 numCoins, address sender, address from) internal pure returns (uint64) {
        return uint64(bytes8(keccak256(abi.encodePacked(numCoins, sender, from))));
    }
}
