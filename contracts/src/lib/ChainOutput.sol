// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Rlp} from "./Rlp.sol";
import {PaymentTransaction} from "./PaymentTransaction.sol";
import {FeeTransaction} from "./FeeTransaction.sol";
import {UtxoPos} from "./UtxoPos.sol";

/// @title ChainOutput
/// @notice Reads the output an exit names from the transaction that created it, of either
/// kind a block holds: a payment (5 fields) or a fee claim (3 fields). Standard exits and the
/// inputs of in-flight exits use it, so a fee claimer exits and spends its fees like any
/// other output.
library ChainOutput {
    using Rlp for Rlp.Item;

    /// @notice Output `utxoPos` of `txBytes`, and the tx's output count. When the output index
    /// is not below the count, `o` is empty and the caller reverts with its own error. A fee
    /// claim must carry the nonce of its block and token (`FeeTxWrongNonce` otherwise).
    function outputAt(bytes memory txBytes, uint256 utxoPos)
        internal
        pure
        returns (PaymentTransaction.Output memory o, uint256 count)
    {
        uint256 oindex = UtxoPos.outputIndex(utxoPos);
        if (Rlp.toItem(txBytes).listLength() == 3) {
            FeeTransaction.Transaction memory f = FeeTransaction.decode(txBytes);
            bytes32 expected = FeeTransaction.nonceOf(UtxoPos.blknum(utxoPos), f.output.token);
            if (f.nonce != expected) revert FeeTransaction.FeeTxWrongNonce(f.nonce, expected);
            if (oindex == 0) o = f.output;
            return (o, 1);
        }
        PaymentTransaction.Output[] memory outputs = PaymentTransaction.decode(txBytes).outputs;
        count = outputs.length;
        if (oindex < count) o = outputs[oindex];
    }
}
