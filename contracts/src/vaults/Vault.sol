// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPERATOR_BLOCK_INTERVAL} from "../common/ChildBlocks.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";
import {Merkle} from "../lib/Merkle.sol";

/// @title Vault
/// @notice What the ETH and ERC20 vaults share: checking a deposit transaction, creating its
/// deposit block in the framework, the surge fee, the `DepositCreated` event, and the
/// exit-game-only guard of withdrawals.
///
/// Surge fee: an interval between two operator blocks holds at most 999 deposit blocks (the
/// framework's numbering). The first `FREE_DEPOSITS` of an interval are free; the n-th after
/// them costs n × `SURGE_FEE_STEP` wei, paid in ETH to the operator with the deposit. Filling
/// an interval (to block honest deposits until the next operator block) then costs ≈ 12.5 ETH
/// per interval on top of ~50M gas, and pays the operator for the block that clears it.
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
    /// @notice The deposit's surge fee is `required` wei (`depositFee()`), `sent` was sent.
    error WrongDepositFee(uint256 sent, uint256 required);
    error FeeTransferFailed(address operator, uint256 fee);

    /// @notice Deposits per interval that pay no surge fee.
    uint256 public constant FREE_DEPOSITS = 500;
    /// @notice The surge fee grows by this much per deposit beyond FREE_DEPOSITS (0.0001 ETH).
    uint256 public constant SURGE_FEE_STEP = 1e14;
    uint256 internal constant CHILD_BLOCK_INTERVAL = OPERATOR_BLOCK_INTERVAL;

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

    /// @notice The surge fee (wei) the next deposit pays: 0 for the first FREE_DEPOSITS of an
    /// interval, then (n − FREE_DEPOSITS) × SURGE_FEE_STEP for the n-th. A deposit sent after
    /// another one took the slot reverts `WrongDepositFee` (nothing is lost).
    function depositFee() external view returns (uint256) {
        return _surgeFee(framework.nextDepositBlock());
    }

    function _surgeFee(uint256 blknum) internal pure returns (uint256) {
        uint256 n = blknum % CHILD_BLOCK_INTERVAL;
        return n > FREE_DEPOSITS ? (n - FREE_DEPOSITS) * SURGE_FEE_STEP : 0;
    }

    /// @dev Creates the deposit block, checks `fee` against its surge fee and forwards it to
    /// the operator, emits `DepositCreated`.
    function _createDepositBlock(
        bytes memory txBytes,
        PaymentTransaction.Output memory output,
        uint256 fee
    ) internal {
        uint256 blknum = framework.submitDepositBlock(Merkle.depositRoot(txBytes));
        uint256 required = _surgeFee(blknum);
        if (fee != required) revert WrongDepositFee(fee, required);
        emit DepositCreated(output.owner, blknum, output.token, output.amount, txBytes);
        if (fee != 0) {
            address op = framework.operator();
            (bool ok,) = op.call{value: fee}("");
            if (!ok) revert FeeTransferFailed(op, fee);
        }
    }
}
