// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DebitTransaction} from "../lib/DebitTransaction.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";

/// @title DebitFormatsHarness
/// @notice Exposes the Plasma Debit format library as external functions, so that tests (forge
/// here, revm on the Rust side) can check that Rust and Solidity agree byte for byte on the
/// transactions of docs/debit.md. Blocks, proofs and signatures are Plasma Cash's (see
/// CashFormatsHarness). It holds no state and is not part of the deployed protocol.
contract DebitFormatsHarness {
    /// @notice Decodes a Debit transaction; reverts with the library's typed error if invalid.
    /// `slot`, `prevBlock`, `owner`, `balance`: the coin it is an own transaction of and the
    /// state it leaves there (a pay's fromSlot, fromPrevBlock, fromOwner, fromBalance; a
    /// deposit's prevBlock is 0). `toSlot`, `toOwner`, `amount`: a pay's payee (zero else).
    function decode(bytes calldata txBytes)
        external
        pure
        returns (
            uint8 kind,
            uint64 slot,
            uint256 prevBlock,
            address owner,
            uint256 balance,
            uint64 toSlot,
            address toOwner,
            uint256 amount,
            bytes32 hash
        )
    {
        DebitTransaction.Tx memory t = DebitTransaction.decode(txBytes);
        (kind, slot, prevBlock, owner, balance) = (t.kind, t.slot, t.prevBlock, t.owner, t.balance);
        (toSlot, toOwner, amount, hash) = (t.toSlot, t.toOwner, t.amount, t.hash);
    }

    /// @notice The hash of a valid Debit transaction (reverts on an invalid one).
    function txHash(bytes calldata txBytes) external pure returns (bytes32) {
        return DebitTransaction.decode(txBytes).hash;
    }

    /// @notice keccak256 of the slot's 8 big-endian bytes (a deposit's hash and block root).
    function depositHash(uint64 slot) external pure returns (bytes32) {
        return CashTransaction.depositHash(slot);
    }

    /// @notice The slot of the `numCoins`-th coin deposited by `from` through `sender` (for
    /// PlasmaDebit's `depositEth`, both are the depositor).
    function slotOf(uint64 numCoins, address sender, address from) external pure returns (uint64) {
        return CashTransaction.slotOf(numCoins, sender, from);
    }
}
