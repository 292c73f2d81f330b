// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vault} from "./Vault.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";

/// @title EthVault
/// @notice Holds the ETH of the payment chain. `deposit` takes the RLP deposit tx with exactly
/// its amount in ETH; `withdraw` (registered exit games only) pays out. A payout goes out with a
/// bounded gas stipend and without copying return data; if the recipient reverts (or burns the
/// stipend) the amount is credited to it for `withdrawPending`, so one bad recipient can never
/// block an exit queue. Credits are always backed: a payout larger than the free funds
/// (holdings minus credits) reverts instead of being credited (`InsufficientFunds`), so an
/// exit of money that was never deposited can never claim later deposits.
contract EthVault is Vault {
    /// @notice Gas forwarded to a payout recipient (enough for a smart-wallet receive hook).
    uint256 public constant PAYOUT_GAS = 50_000;

    /// @notice ETH credited to an account after a failed payout.
    mapping(address => uint256) public pendingWithdrawals;
    /// @notice The sum of all credits (always ≤ the vault's balance).
    uint256 public totalPending;

    error EthTransferFailed(address to, uint256 amount);

    constructor(PlasmaFramework framework_) Vault(framework_) {}

    /// @notice Deposits: `depositTx` must be a payment tx with no inputs and one output (owner =
    /// sender, token = address(0)); `msg.value` = its amount + `depositFee()` (the surge fee,
    /// 0 for the first FREE_DEPOSITS of an interval).
    function deposit(bytes calldata depositTx) external payable nonReentrant {
        bytes memory txBytes = depositTx;
        PaymentTransaction.Output memory output = _checkDeposit(txBytes);
        if (output.token != address(0)) revert DepositWrongToken(output.token);
        if (output.amount > msg.value) revert DepositAmountMismatch(output.amount, msg.value);
        _createDepositBlock(txBytes, output, msg.value - output.amount);
    }

    /// @notice Pays `amount + msg.value` wei to `to` (the exit game may attach ETH, e.g. a
    /// returned bond, to pay it in the same transfer). Only a registered exit game. A failed
    /// transfer is credited to `to`.
    function withdraw(address to, uint256 amount) external payable onlyExitGame {
        uint256 total = amount + msg.value;
        uint256 available = address(this).balance - totalPending;
        if (total > available) revert InsufficientFunds(total, available);
        bool ok;
        assembly ("memory-safe") {
            ok := call(PAYOUT_GAS, to, total, 0, 0, 0, 0)
        }
        if (ok) {
            emit Withdrawal(to, address(0), total);
        } else {
            pendingWithdrawals[to] += total;
            totalPending += total;
            emit WithdrawalCredited(to, address(0), total);
        }
    }

    /// @notice Withdraws the ETH credited to the caller after a failed payout (all gas forwarded).
    function withdrawPending() external nonReentrant {
        uint256 amount = pendingWithdrawals[msg.sender];
        if (amount == 0) revert NothingPending();
        pendingWithdrawals[msg.sender] = 0;
        totalPending -= amount;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert EthTransferFailed(msg.sender, amount);
        emit Withdrawal(msg.sender, address(0), amount);
    }
}
