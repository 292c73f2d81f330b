// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PaymentTransaction} from "./PaymentTransaction.sol";
import {UtxoPos} from "./UtxoPos.sol";

/// @title PaymentEip712
/// @notice The EIP-712 signing hash of a payment transaction, exactly as the OMG Network v1
/// contracts compute it (SPEC.md §2): domain without chainId, four input and four output slots
/// (absent ones hashed as `Input(0,0,0)` / `Output(0,0x0,0x0,0)`), the owner as `bytes20
/// outputGuard` (left-aligned in the ABI encoding, unlike an address).
library PaymentEip712 {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)"
    );
    bytes32 internal constant TX_TYPEHASH = keccak256(
        "Transaction(uint256 txType,Input input0,Input input1,Input input2,Input input3,Output output0,Output output1,Output output2,Output output3,uint256 txData,bytes32 metadata)Input(uint256 blknum,uint256 txindex,uint256 oindex)Output(uint256 outputType,bytes20 outputGuard,address currency,uint256 amount)"
    );
    bytes32 internal constant INPUT_TYPEHASH =
        keccak256("Input(uint256 blknum,uint256 txindex,uint256 oindex)");
    bytes32 internal constant OUTPUT_TYPEHASH =
        keccak256("Output(uint256 outputType,bytes20 outputGuard,address currency,uint256 amount)");
    /// @dev hashStruct(Input(0,0,0)), used for absent inputs.
    bytes32 internal constant EMPTY_INPUT_HASH = keccak256(abi.encode(INPUT_TYPEHASH, 0, 0, 0));
    /// @dev hashStruct(Output(0,0x0,0x0,0)), used for absent outputs.
    bytes32 internal constant EMPTY_OUTPUT_HASH =
        keccak256(abi.encode(OUTPUT_TYPEHASH, 0, bytes20(0), address(0), 0));

    /// @notice keccak256(abi.encode(DOMAIN_TYPEHASH, keccak(name), keccak(version), verifyingContract, salt)).
    function domainSeparator(
        string memory name,
        string memory version,
        address verifyingContract,
        bytes32 salt
    ) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                verifyingContract,
                salt
            )
        );
    }

    /// @notice The digest to sign: keccak256("\x19\x01" ‖ domainSeparator ‖ hashTx(tx)).
    function digest(PaymentTransaction.Transaction memory tx_, bytes32 domainSeparator_)
        internal
        pure
        returns (bytes32)
    {
        return toTypedDataHash(domainSeparator_, hashTx(tx_));
    }

    /// @notice keccak256("\x19\x01" ‖ domainSeparator ‖ structHash).
    function toTypedDataHash(bytes32 domainSeparator_, bytes32 structHash)
        internal
        pure
        returns (bytes32 result)
    {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(240, 0x1901))
            mstore(add(ptr, 0x02), domainSeparator_)
            mstore(add(ptr, 0x22), structHash)
            result := keccak256(ptr, 0x42)
        }
    }

    /// @notice hashStruct of the transaction. Meant for a transaction from
    /// `PaymentTransaction.decode` (at most 4 inputs and 4 outputs; further ones would be ignored).
    function hashTx(PaymentTransaction.Transaction memory tx_) internal pure returns (bytes32) {
        bytes32[] memory inputs = tx_.inputs;
        PaymentTransaction.Output[] memory outputs = tx_.outputs;
        return keccak256(
            abi.encode(
                TX_TYPEHASH,
                tx_.txType,
                _inputHashAt(inputs, 0),
                _inputHashAt(inputs, 1),
                _inputHashAt(inputs, 2),
                _inputHashAt(inputs, 3),
                _outputHashAt(outputs, 0),
                _outputHashAt(outputs, 1),
                _outputHashAt(outputs, 2),
                _outputHashAt(outputs, 3),
                tx_.txData,
                tx_.metadata
            )
        );
    }

    /// @notice hashStruct(Input(blknum, txindex, oindex)) of a utxoPos.
    function hashInput(uint256 utxoPos) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                INPUT_TYPEHASH,
                UtxoPos.blknum(utxoPos),
                UtxoPos.txIndex(utxoPos),
                UtxoPos.outputIndex(utxoPos)
            )
        );
    }

    /// @notice hashStruct(Output(outputType, bytes20(owner), token, amount)).
    function hashOutput(PaymentTransaction.Output memory output) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                OUTPUT_TYPEHASH,
                output.outputType,
                bytes20(output.owner),
                output.token,
                output.amount
            )
        );
    }

    function _inputHashAt(bytes32[] memory inputs, uint256 i) private pure returns (bytes32) {
        return i < inputs.length ? hashInput(uint256(inputs[i])) : EMPTY_INPUT_HASH;
    }

    function _outputHashAt(PaymentTransaction.Output[] memory outputs, uint256 i)
        private
        pure
        returns (bytes32)
    {
        return i < outputs.length ? hashOutput(outputs[i]) : EMPTY_OUTPUT_HASH;
    }
}
