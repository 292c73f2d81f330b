// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTransaction} from "../lib/CashTransaction.sol";
import {CashSignature} from "../lib/CashSignature.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title CashFormatsHarness
/// @notice Exposes the Plasma Cash format libraries as external functions, so that tests
/// (forge here, revm on the Rust side) can check that Rust and Solidity agree byte for byte on
/// every format of SPEC.md §3. It holds no state and is not part of the deployed protocol.
contract CashFormatsHarness {
    /// @notice The slot of the `numCoins`-th coin deposited by `from` through `sender`.
    function slotOf(uint64 numCoins, address sender, address from) external pure returns (uint64) {
        return CashTransaction.slotOf(numCoins, sender, from);
    }

    /// @notice Decodes a coin transaction; reverts with the library's typed error if invalid.
    function decode(bytes calldata txBytes)
        external
        pure
        returns (uint64 slot, uint256 prevBlock, uint256 denomination, address newOwner)
    {
        CashTransaction.Tx memory t = CashTransaction.decode(txBytes);
        return (t.slot, t.prevBlock, t.denomination, t.newOwner);
    }

    /// @notice The hash of a valid coin transaction (reverts on an invalid one).
    function txHash(bytes calldata txBytes) external pure returns (bytes32) {
        return CashTransaction.decode(txBytes).hash;
    }

    /// @notice keccak256 of the slot's 8 big-endian bytes (a deposit's hash and block root).
    function depositHash(uint64 slot) external pure returns (bytes32) {
        return CashTransaction.depositHash(slot);
    }

    /// @notice The root a bitmap proof gives for `leaf` at `slot`.
    function computeRoot(bytes32 leaf, uint64 slot, bytes calldata proof)
        external
        pure
        returns (bytes32)
    {
        return SparseMerkle.computeRoot(leaf, slot, proof);
    }

    function checkMembership(bytes32 leaf, uint64 slot, bytes32 root, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        return SparseMerkle.checkMembership(leaf, slot, root, proof);
    }

    /// @notice The root of an empty subtree of height `level` (0..64).
    function emptySubtree(uint256 level) external pure returns (bytes32) {
        return SparseMerkle.emptySubtree(level);
    }

    /// @notice Who signed `hash` with the 66-byte mode-prefixed signature `sig`.
    function recover(bytes32 hash, bytes calldata sig) external pure returns (address) {
        return CashSignature.recover(hash, sig);
    }
}
