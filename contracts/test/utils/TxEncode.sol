// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PaymentTransaction} from "../../src/lib/PaymentTransaction.sol";
import {RlpEncode} from "./RlpEncode.sol";

/// @notice Encodes payment transactions for tests (independently of the decoder).
library TxEncode {
    function encode(PaymentTransaction.Transaction memory t) internal pure returns (bytes memory) {
        bytes[] memory ins = new bytes[](t.inputs.length);
        for (uint256 i; i < ins.length; ++i) {
            ins[i] = RlpEncode.bytes32Item(t.inputs[i]);
        }
        bytes[] memory outs = new bytes[](t.outputs.length);
        for (uint256 i; i < outs.length; ++i) {
            outs[i] = output(t.outputs[i]);
        }
        return RlpEncode.list5(
            RlpEncode.uintItem(t.txType),
            RlpEncode.list(ins),
            RlpEncode.list(outs),
            RlpEncode.uintItem(t.txData),
            RlpEncode.bytes32Item(t.metadata)
        );
    }

    function output(PaymentTransaction.Output memory o) internal pure returns (bytes memory) {
        return RlpEncode.list2(
            RlpEncode.uintItem(o.outputType),
            RlpEncode.list3(
                RlpEncode.addressItem(o.owner),
                RlpEncode.addressItem(o.token),
                RlpEncode.uintItem(o.amount)
            )
        );
    }

    function fromDecoded(
        uint256 txType,
        bytes32[] memory inputs,
        PaymentTransaction.Output[] memory outputs,
        uint256 txData,
        bytes32 metadata
    ) internal pure returns (bytes memory) {
        return encode(PaymentTransaction.Transaction(txType, inputs, outputs, txData, metadata));
    }
}
