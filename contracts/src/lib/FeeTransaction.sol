// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Rlp} from "./Rlp.sol";
import {PaymentTransaction} from "./PaymentTransaction.sol";

/// @title FeeTransaction
/// @notice Decodes a fee-claim transaction (OMG Network v1's fee transaction, byte for byte):
/// `RLP([txType = 3, [output], nonce])` with `output = [outputType = 2, [owner, token, amount]]`
/// and `nonce = keccak256(abi.encode(uint256 blknum, address token))`.
///
/// The operator appends one per fee token to each block, after the payments: it turns the
/// fees the block's payments left into an output of the fee claimer. It has no inputs and no
/// signature; that its amount is no more than the fees left is a rule of the child chain that
/// watchers check (a block that breaks it is invalid, and users exit as from any invalid
/// block). The nonce ties the bytes to one block and token, so no two claims share an output
/// id; `ChainOutput.outputAt` checks it against the position being exited.
///
/// Checks, in this order: one strict RLP list of exactly 3 items; `txType` an integer equal to
/// 3; `outputs` a list of exactly 1 item, an output of type 2 (the rules of
/// `PaymentTransaction.decodeOutput`); `nonce` a 32-byte string.
library FeeTransaction {
    using Rlp for Rlp.Item;

    uint256 internal constant TX_TYPE = 3;
    uint256 internal constant OUTPUT_TYPE = 2;

    struct Transaction {
        PaymentTransaction.Output output;
        bytes32 nonce;
    }

    /// @notice The fee transaction is a list of `count` items; exactly 3 are required.
    error FeeTxWrongFieldCount(uint256 count);
    /// @notice The fee transaction's type is `txType`; it must be 3.
    error FeeTxWrongType(uint256 txType);
    /// @notice The fee transaction has `count` outputs; exactly 1 is required.
    error FeeTxWrongOutputCount(uint256 count);
    /// @notice The fee transaction's nonce is `nonce`; in its block and token it must be
    /// `expected`.
    error FeeTxWrongNonce(bytes32 nonce, bytes32 expected);

    /// @notice Decodes and validates `txBytes`; reverts with a typed error if it is not a valid
    /// fee transaction.
    function decode(bytes memory txBytes) internal pure returns (Transaction memory tx_) {
        Rlp.Item[] memory fields = Rlp.toItem(txBytes).toList();
        if (fields.length != 3) revert FeeTxWrongFieldCount(fields.length);
        uint256 txType = fields[0].toUint();
        if (txType != TX_TYPE) revert FeeTxWrongType(txType);
        Rlp.Item[] memory outputs = fields[1].toList();
        if (outputs.length != 1) revert FeeTxWrongOutputCount(outputs.length);
        tx_.output = PaymentTransaction.decodeOutput(outputs[0], 0, OUTPUT_TYPE);
        tx_.nonce = fields[2].toBytes32();
    }

    /// @notice The nonce of the fee transaction of `token` in block `blknum`.
    function nonceOf(uint256 blknum, address token) internal pure returns (bytes32) {
        return keccak256(abi.encode(blknum, token));
    }
}
