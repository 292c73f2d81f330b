// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Rlp} from "./Rlp.sol";

/// @title PaymentTransaction
/// @notice Decodes and validates an unsigned payment transaction (SPEC.md §2):
/// `RLP([txType, [input, …], [output, …], txData, metadata])` with
/// `output = [outputType, [owner, token, amount]]`.
///
/// Checks, in this order (the first failure is reported):
/// 1. the input is one strict RLP item (see `Rlp`), a list of exactly 5 items;
/// 2. `txType` is an integer equal to 1;
/// 3. `inputs` is a list of at most 4 items; then for each input in order: a 32-byte string,
///    non-zero, different from every earlier input;
/// 4. `outputs` is a list of 1 to 4 items; then for each output in order: a list of exactly 2,
///    `outputType` an integer equal to 1, the output data a list of exactly 3, `owner` a 20-byte
///    string and non-zero, `token` a 20-byte string, `amount` an integer and non-zero;
/// 5. `txData` is an integer equal to 0 (so its only encoding is 0x80);
/// 6. `metadata` is a 32-byte string.
library PaymentTransaction {
    using Rlp for Rlp.Item;

    uint256 internal constant TX_TYPE = 1;
    uint256 internal constant OUTPUT_TYPE = 1;
    uint256 internal constant MAX_INPUTS = 4;
    uint256 internal constant MAX_OUTPUTS = 4;

    struct Output {
        uint256 outputType;
        address owner;
        /// @dev address(0) is ETH.
        address token;
        uint256 amount;
    }

    struct Transaction {
        uint256 txType;
        /// @dev Each input is the big-endian utxoPos of the spent output.
        bytes32[] inputs;
        Output[] outputs;
        uint256 txData;
        bytes32 metadata;
    }

    /// @notice The transaction is a list of `count` items; exactly 5 are required.
    error TxWrongFieldCount(uint256 count);
    /// @notice The transaction type is `txType`; only 1 (payment) is supported.
    error TxWrongType(uint256 txType);
    /// @notice The transaction has `count` inputs; at most 4 are allowed.
    error TxTooManyInputs(uint256 count);
    /// @notice Input number `index` is zero.
    error TxZeroInput(uint256 index);
    /// @notice Input number `index` repeats an earlier input, `input`.
    error TxDuplicateInput(uint256 index, bytes32 input);
    /// @notice The transaction has no outputs; at least 1 is required.
    error TxNoOutputs();
    /// @notice The transaction has `count` outputs; at most 4 are allowed.
    error TxTooManyOutputs(uint256 count);
    /// @notice Output number `index` is a list of `count` items; exactly 2 are required.
    error TxOutputWrongFieldCount(uint256 index, uint256 count);
    /// @notice Output number `index` has type `outputType`; the transaction's type needs
    /// another (1 in a payment, 2 in a fee claim).
    error TxWrongOutputType(uint256 index, uint256 outputType);
    /// @notice The data of output number `index` is a list of `count` items; exactly 3 are required.
    error TxOutputDataWrongFieldCount(uint256 index, uint256 count);
    /// @notice Output number `index` has the zero address as its owner.
    error TxZeroOwner(uint256 index);
    /// @notice Output number `index` has a zero amount.
    error TxZeroAmount(uint256 index);
    /// @notice txData is `txData`; it must be 0.
    error TxNonZeroTxData(uint256 txData);

    /// @notice Decodes and validates `txBytes`; reverts with a typed error if it is not a valid
    /// payment transaction.
    function decode(bytes memory txBytes) internal pure returns (Transaction memory tx_) {
        Rlp.Item[] memory fields = Rlp.toItem(txBytes).toList();
        if (fields.length != 5) revert TxWrongFieldCount(fields.length);

        tx_.txType = fields[0].toUint();
        if (tx_.txType != TX_TYPE) revert TxWrongType(tx_.txType);

        tx_.inputs = _decodeInputs(fields[1]);
        tx_.outputs = _decodeOutputs(fields[2]);

        tx_.txData = fields[3].toUint();
        if (tx_.txData != 0) revert TxNonZeroTxData(tx_.txData);

        tx_.metadata = fields[4].toBytes32();
    }

    /// @notice A deposit transaction: no inputs and exactly one output.
    function isDeposit(Transaction memory tx_) internal pure returns (bool) {
        return tx_.inputs.length == 0 && tx_.outputs.length == 1;
    }

    function _decodeInputs(Rlp.Item list) private pure returns (bytes32[] memory inputs) {
        Rlp.Item[] memory items = list.toList();
        uint256 count = items.length;
        if (count > MAX_INPUTS) revert TxTooManyInputs(count);
        inputs = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            bytes32 input = items[i].toBytes32();
            if (input == bytes32(0)) revert TxZeroInput(i);
            for (uint256 j; j < i; ++j) {
                if (inputs[j] == input) revert TxDuplicateInput(i, input);
            }
            inputs[i] = input;
        }
    }

    function _decodeOutputs(Rlp.Item list) private pure returns (Output[] memory outputs) {
        Rlp.Item[] memory items = list.toList();
        uint256 count = items.length;
        if (count == 0) revert TxNoOutputs();
        if (count > MAX_OUTPUTS) revert TxTooManyOutputs(count);
        outputs = new Output[](count);
        for (uint256 i; i < count; ++i) {
            outputs[i] = decodeOutput(items[i], i, OUTPUT_TYPE);
        }
    }

    /// @notice Decodes output number `index`, whose type must be `outputType` (1 in a payment,
    /// 2 in a fee claim).
    function decodeOutput(Rlp.Item item, uint256 index, uint256 outputType)
        internal
        pure
        returns (Output memory output)
    {
        Rlp.Item[] memory fields = item.toList();
        if (fields.length != 2) revert TxOutputWrongFieldCount(index, fields.length);

        output.outputType = fields[0].toUint();
        if (output.outputType != outputType) revert TxWrongOutputType(index, output.outputType);

        Rlp.Item[] memory data = fields[1].toList();
        if (data.length != 3) revert TxOutputDataWrongFieldCount(index, data.length);

        output.owner = data[0].toAddress();
        if (output.owner == address(0)) revert TxZeroOwner(index);
        output.token = data[1].toAddress();
        output.amount = data[2].toUint();
        if (output.amount == 0) revert TxZeroAmount(index);
    }
}
