// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PaymentTransaction} from "../lib/PaymentTransaction.sol";
import {FeeTransaction} from "../lib/FeeTransaction.sol";
import {ChainOutput} from "../lib/ChainOutput.sol";
import {PaymentEip712} from "../lib/PaymentEip712.sol";
import {Merkle} from "../lib/Merkle.sol";
import {Signature} from "../lib/Signature.sol";
import {UtxoPos} from "../lib/UtxoPos.sol";

/// @title FormatsHarness
/// @notice Exposes the format libraries as external functions, so that tests (forge here, revm
/// on the Rust side) can check that Rust and Solidity agree byte for byte on every format of
/// SPEC.md §2. It holds no state and is not part of the deployed protocol.
contract FormatsHarness {
    /// @notice Decodes a payment transaction; reverts with the library's typed error if invalid.
    function decodeTx(bytes calldata txBytes)
        external
        pure
        returns (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        )
    {
        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(txBytes);
        return (t.txType, t.inputs, t.outputs, t.txData, t.metadata);
    }

    /// @notice Decodes a fee transaction; reverts with the library's typed error if invalid.
    function decodeFeeTx(bytes calldata txBytes)
        external
        pure
        returns (PaymentTransaction.Output memory output, bytes32 nonce)
    {
        FeeTransaction.Transaction memory f = FeeTransaction.decode(txBytes);
        return (f.output, f.nonce);
    }

    /// @notice The nonce of the fee transaction of `token` in block `blknum`.
    function feeNonce(uint256 blknum, address token) external pure returns (bytes32) {
        return FeeTransaction.nonceOf(blknum, token);
    }

    /// @notice Output `utxoPos` of a payment or fee transaction, as the exits read it.
    function chainOutput(bytes calldata txBytes, uint256 utxoPos)
        external
        pure
        returns (PaymentTransaction.Output memory output, uint256 count)
    {
        return ChainOutput.outputAt(txBytes, utxoPos);
    }

    function isDeposit(bytes calldata txBytes) external pure returns (bool) {
        return PaymentTransaction.isDeposit(PaymentTransaction.decode(txBytes));
    }

    /// @notice keccak256(txBytes) of a valid transaction (reverts on an invalid one).
    function txHash(bytes calldata txBytes) external pure returns (bytes32) {
        PaymentTransaction.decode(txBytes);
        return keccak256(txBytes);
    }

    function domainSeparator(
        string calldata name,
        string calldata version,
        address verifyingContract,
        bytes32 salt
    ) external pure returns (bytes32) {
        return PaymentEip712.domainSeparator(name, version, verifyingContract, salt);
    }

    /// @notice The EIP-712 digest of a valid transaction under `domainSeparator_`.
    function signingHash(bytes calldata txBytes, bytes32 domainSeparator_)
        external
        pure
        returns (bytes32)
    {
        return PaymentEip712.digest(PaymentTransaction.decode(txBytes), domainSeparator_);
    }

    function recoverSigner(bytes32 digest, bytes calldata sig) external pure returns (address) {
        return Signature.recover(digest, sig);
    }

    function leafHash(bytes calldata leafData) external pure returns (bytes32) {
        return Merkle.leafHash(leafData);
    }

    function checkMembership(
        bytes calldata leafData,
        uint256 index,
        bytes32 root,
        bytes calldata proof
    ) external pure returns (bool) {
        return Merkle.checkMembership(leafData, index, root, proof);
    }

    function depositRoot(bytes calldata txBytes) external pure returns (bytes32) {
        return Merkle.depositRoot(txBytes);
    }

    function encodeUtxoPos(uint256 blknum, uint256 txindex, uint256 oindex)
        external
        pure
        returns (uint256)
    {
        return UtxoPos.encode(blknum, txindex, oindex);
    }

    function decodeUtxoPos(uint256 utxoPos)
        external
        pure
        returns (uint256 blknum, uint256 txindex, uint256 oindex)
    {
        return (UtxoPos.blknum(utxoPos), UtxoPos.txIndex(utxoPos), UtxoPos.outputIndex(utxoPos));
    }
}
