// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Vault} from "./Vault.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";

/// @title Erc20Vault
/// @notice Holds the ERC20 tokens of the payment chain. `deposit` pulls the stated amount with
/// `transferFrom` (the owner approves this vault first) and rejects a token whose received
/// amount differs (fee-on-transfer, rebasing). `withdraw` (registered exit games only) pays out
/// with SafeERC20; a failed transfer (blacklisted recipient, paused token) is credited for
/// `withdrawPending` instead of blocking the exit queue. Credits are always backed: a payout
/// larger than the free balance (holdings minus credits) reverts (`InsufficientFunds`).
contract Erc20Vault is Vault {
    using SafeERC20 for IERC20;

    /// @notice token → account → amount credited after a failed payout.
    mapping(address => mapping(address => uint256)) public pendingWithdrawals;
    /// @notice token → the sum of its credits (always ≤ the vault's balance of it).
    mapping(address => uint256) public totalPending;

    constructor(PlasmaFramework framework_) Vault(framework_) {}

    /// @notice Deposits ERC20 tokens: `depositTx` must be a payment tx with no inputs and one
    /// output (owner = sender, token ≠ address(0), amount = what this vault receives);
    /// `msg.value` = `depositFee()` (the surge fee, 0 for the first FREE_DEPOSITS of an
    /// interval).
    function deposit(bytes calldata depositTx) external payable nonReentrant {
        bytes memory txBytes = depositTx;
        PaymentTransaction.Output memory output = _checkDeposit(txBytes);
        if (output.token == address(0)) revert DepositWrongToken(address(0));
        IERC20 token = IERC20(output.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), output.amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != output.amount) revert DepositAmountMismatch(output.amount, received);
        _createDepositBlock(txBytes, output, msg.value);
    }

    /// @notice Pays `amount` of `token` to `to`. Only a registered exit game. A failed transfer
    /// is credited to `to`.
    function withdraw(address to, address token, uint256 amount) external onlyExitGame {
        uint256 pending = totalPending[token];
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 available = balance > pending ? balance - pending : 0;
        if (amount > available) revert InsufficientFunds(amount, available);
        if (IERC20(token).trySafeTransfer(to, amount)) {
            emit Withdrawal(to, token, amount);
        } else {
            pendingWithdrawals[token][to] += amount;
            // Re-read, not `pending + amount`: the token may have re-entered withdrawPending
            // during the transfer (test_attack_reenteringTokenCorruptsNothing).
            totalPending[token] += amount;
            emit WithdrawalCredited(to, token, amount);
        }
    }

    /// @notice Withdraws the `token` credited to the caller after a failed payout.
    function withdrawPending(address token) external nonReentrant {
        uint256 amount = pendingWithdrawals[token][msg.sender];
        if (amount == 0) revert NothingPending();
        pendingWithdrawals[token][msg.sender] = 0;
        totalPending[token] -= amount;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit Withdrawal(msg.sender, token, amount);
    }
}
