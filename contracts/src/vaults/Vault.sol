// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";
import {Merkle} from "../lib/Merkle.sol";

/// @title Vault
/// @notice What the ETH and ERC20 vaults share: checking a deposit transaction, creating its
/// deposit block in the framework, the `DepositCreated` event, and the exit-game-only guard of
/// withdrawals.
abstract contract Vault is ReentrancyGuardTransient {
    PlasmaFramework public immutable framework;

    /// @notice A deposit: everything a child chain needs (the tx bytes rebuild the output and
    /// its metadata exactly; the output is at utxoPos blknum·10⁹ + 0·10⁴ + 0).
    event DepositCreated(
        address indexed owner,
        uint256 indexed blknum,
        address indexed token,
        uint256 amount,
        bytes txBytes
    );
    /// @notice `amount` of `token` paid out to `to`.
    event Withdrawal(address indexed to, address indexed token, uint256 amount);
    /// @notice A payout to `to` failed and was credited for `withdrawPending`.
    event WithdrawalCredited(address indexed to, address indexed token, uint256 amount);

    error NotExitGame(address caller);
    /// @notice A deposit tx needs 0 inputs and exactly 1 output; it has these counts.
    error NotADepositTx(uint256 inputs, uint256 outputs);
    /// @notice The deposit's output owner is not the sender.
    error DepositOwnerMismatch(address owner, address sender);
    /// @notice The deposit's token is not what this vault (or call) takes.
    error DepositWrongToken(address token);
    /// @notice The deposit's output amount differs from what was paid / received.
    error DepositAmountMismatch(uint256 stated, uint256 received);
    /// @notice The deposit amount is not below 2^160 (exits carry 160-bit amounts).
    error DepositAmountTooLarge(uint256 amount);
    /// @notice Nothing credited to withdraw.
    error NothingPending();
    /// @notice A payout of `amount` exceeds the vault's free funds `available` (its holdings
    /// minus what is credited to others): it could only be paid from other users' money.
    error InsufficientFunds(uint256 amount, uint256 available);
    error ZeroFramework();

    constructor(PlasmaFramework framework_) {
        if (address(framework_) == address(0)) revert ZeroFramework();
        framework = framework_;
    }

    modifier onlyExitGame() {
        if (!framework.isExitGame(msg.sender)) revert NotExitGame(msg.sender);
        _;
    }

    /// @dev Decodes and checks a deposit tx (payment tx, 0 inputs, 1 output owned by the
    /// sender); returns its only output.
    function _checkDeposit(bytes memory txBytes)
        internal
        view
        returns (PaymentTransaction.Output memory output)
    {
        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(txBytes);
        if (!PaymentTransaction.isDeposit(t)) {
            revert NotADepositTx(t.inputs.length, t.outputs.length);
        }
        output = t.outputs[0];
        if (output.owner != msg.sender) revert DepositOwnerMismatch(output.owner, msg.sender);
        // Exits carry amounts below 2^160; refuse a deposit that could not exit in one piece.
        if (output.amount > type(uint160).max) revert DepositAmountTooLarge(output.amount);
    }

    /// @dev Creates the deposit block and emits `DepositCreated`.
    function _createDepositBlock(bytes memory txBytes, PaymentTransaction.Output memory output)
        internal
    {
        uint256 blknum = framework.submitDepositBlock(Merkle.depositRoot(txBytes));
        emit DepositCreated(output.owner, blknum, output.token, output.amount, txBytes);
    }
}
