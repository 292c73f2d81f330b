// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Rlp} from "./Rlp.sol";
import {CashTransaction} from "./CashTransaction.sol";

/// @title DebitTransaction
/// @notice Decodes a Plasma Debit transaction and computes its hash (docs/debit.md,
/// "Transactions"; the same bytes as crates/primitives/src/debit.rs). An RLP list whose first
/// item is the kind:
///
/// | kind | fields |
/// | --- | --- |
/// | 0 deposit | `[0, slot, owner, balance]` |
/// | 1 transfer | `[1, slot, prevBlock, newOwner, balance]` |
/// | 2 pay | `[2, fromSlot, fromPrevBlock, fromOwner, fromBalance, toSlot, toOwner, amount]` |
///
/// Checks, in this order (the first failure is reported):
/// 1. the input is one strict RLP item (see `Rlp`), a list of at least one item;
/// 2. the kind is a canonical integer, 0, 1 or 2 (`DebitTxUnknownKind`);
/// 3. the list has the kind's field count, 4, 5 or 8 (`DebitTxWrongFieldCount`);
/// 4. the fields front to back: integers canonical (at most 32 bytes), slots below 2^64
///    (`DebitTxSlotTooLarge`, naming the field's position), owners 20-byte strings.
///
/// The hash is `keccak256(txBytes)` (the encoding is canonical, so it is the hash of the
/// decoded fields), except for a deposit: `keccak256(uint64 slot as 8 big-endian bytes)`, the
/// root of the coin's deposit block (as Plasma Cash's). A deposit's hash commits to its slot
/// only: its owner and balance must be checked against the coin.
///
/// Decoded, every kind is an *own* transaction of one coin, `slot` (the transfer's slot, the
/// pay's fromSlot, the deposit's slot), leaving there `owner` with `balance`; a pay also names
/// the payee's coin `toSlot`, its owner `toOwner` and the `amount` credited to it.
library DebitTransaction {
    using Rlp for Rlp.Item;

    uint8 internal constant DEPOSIT = 0;
    uint8 internal constant TRANSFER = 1;
    uint8 internal constant PAY = 2;

    struct Tx {
        uint8 kind;
        /// @dev The coin this is an own transaction of: a deposit's or transfer's slot, a pay's
        /// fromSlot.
        uint64 slot;
        /// @dev The block of the coin's previous own transaction; 0 for a deposit.
        uint256 prevBlock;
        /// @dev The owner after it: a deposit's owner, a transfer's newOwner, a pay's fromOwner.
        address owner;
        /// @dev The owner's balance after it: a deposit's or transfer's balance, a pay's
        /// fromBalance.
        uint256 balance;
        /// @dev A pay's payee coin, owner and amount (zero for the other kinds).
        uint64 toSlot;
        address toOwner;
        uint256 amount;
        /// @dev The transaction hash (see the rule above).
        bytes32 hash;
    }

    /// @notice The transaction is an empty list: no kind.
    error DebitTxNoKind();
    /// @notice The kind is `kind`; only 0 (deposit), 1 (transfer) and 2 (pay) exist.
    error DebitTxUnknownKind(uint256 kind);
    /// @notice A kind `kind` transaction has `expected` fields; the list has `found`.
    error DebitTxWrongFieldCount(uint256 kind, uint256 expected, uint256 found);
    /// @notice The slot at field position `field` (1: slot / fromSlot, 5: toSlot) is `slot`,
    /// which does not fit in 64 bits.
    error DebitTxSlotTooLarge(uint256 field, uint256 slot);

    /// @notice Decodes and checks `txBytes`; fills in its hash.
    function decode(bytes memory txBytes) internal pure returns (Tx memory t) {
        Rlp.Item[] memory f = Rlp.toItem(txBytes).toList();
        if (f.length == 0) revert DebitTxNoKind();
        uint256 kind = f[0].toUint();
        uint256 expected;
        if (kind == DEPOSIT) expected = 4;
        else if (kind == TRANSFER) expected = 5;
        else if (kind == PAY) expected = 8;
        else revert DebitTxUnknownKind(kind);
        if (f.length != expected) revert DebitTxWrongFieldCount(kind, expected, f.length);
        t.kind = uint8(kind);
        t.slot = _slot(f, 1);
        if (kind == DEPOSIT) {
            t.owner = f[2].toAddress();
            t.balance = f[3].toUint();
            t.hash = CashTransaction.depositHash(t.slot);
            return t;
        }
        t.prevBlock = f[2].toUint();
        t.owner = f[3].toAddress();
        t.balance = f[4].toUint();
        if (kind == PAY) {
            t.toSlot = _slot(f, 5);
            t.toOwner = f[6].toAddress();
            t.amount = f[7].toUint();
        }
        t.hash = keccak256(txBytes);
    }

    /// @dev The slot at position `i`: a canonical integer below 2^64.
    function _slot(Rlp.Item[] memory f, uint256 i) private pure returns (uint64) {
        uint256 value = f[i].toUint();
        if (value > type(uint64).max) revert DebitTxSlotTooLarge(i, value);
        return uint64(value);
    }
}
