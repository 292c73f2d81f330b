// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashCheckpointsBase} from "./CashCheckpointsBase.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";

/// @title CashExitsBase
/// @notice The exits' storage, events, errors and shared steps of PlasmaCash. The rules are in
/// PlasmaCash; this base exists so that PlasmaCashModule (DELEGATECALL, same storage layout) can
/// run the challengeBefore game too, keeping PlasmaCash under the 24 KB limit.
abstract contract CashExitsBase is CashCheckpointsBase {
    enum ChallengeState {
        NONE,
        OPEN,
        ANSWERED
    }

    struct Exit {
        // slot 1
        address owner;
        uint64 exitBlock;
        uint32 exitableAt;
        // slot 2 (zero for an exit without parent)
        address parentOwner;
        uint64 parentBlock;
        uint32 openChallenges;
        // slot 3
        bytes32 txHash;
    }

    struct Challenge {
        address challenger;
        uint48 txBlock;
        /// @dev The exit challenged (the coin's exit number).
        uint32 exitNonce;
        ChallengeState state;
        address txOwner;
    }

    /// @notice Why an exit was cancelled.
    uint8 public constant CANCEL_AFTER = 1;
    uint8 public constant CANCEL_BETWEEN = 2;
    uint8 public constant CANCEL_CHECKPOINT = 3;
    uint8 public constant CANCEL_UNANSWERED_BEFORE = 4;
    /// @notice During a priority window, an exit of an earlier tx took the coin's exit; the
    /// displaced exiter was credited its bond back.
    uint8 public constant CANCEL_DISPLACED = 5;

    /// @dev slot → its live (or last) exit.
    mapping(uint64 => Exit) internal _exits;
    /// @dev slot → challenging tx hash → its challengeBefore (latest exit using it).
    mapping(uint64 => mapping(bytes32 => Challenge)) internal _challenges;
    /// @dev slot → exit number → reward of each open challengeBefore of that exit, when the
    /// exit was cancelled while they were open.
    mapping(uint64 => mapping(uint32 => uint256)) internal _challengeRewards;
    /// @notice slot → end of its priority window: until then an exit of an earlier tx may take
    /// the coin's exit from a live one (see PlasmaCash, "priority window").
    mapping(uint64 => uint256) public priorityUntil;
    /// @notice slot → tx hash → the tx was proven invalid by a challenge (spent, a double
    /// spend, or contradicted by a final checkpoint): it never exits again.
    mapping(uint64 => mapping(bytes32 => bool)) public provenInvalid;

    event ExitStarted(
        uint64 indexed slot,
        address indexed owner,
        uint256 exitNonce,
        uint256 exitBlock,
        uint256 parentBlock,
        bytes32 txHash,
        uint256 exitableAt
    );
    /// @notice `reason`: CANCEL_AFTER, _BETWEEN, _CHECKPOINT (challenger credited the exit
    /// bond, unless challengeBefores were open: then they share it), _UNANSWERED_BEFORE
    /// (challenger 0: the open challengers share the bond) or _DISPLACED (challenger: the
    /// earlier tx's exiter; the displaced exiter gets its bond back).
    event ExitCancelled(
        uint64 indexed slot,
        address indexed owner,
        uint256 exitNonce,
        address indexed challenger,
        uint8 reason
    );
    /// @notice An exit ended while challengeBefores were open: until `until`, an exit of an
    /// earlier tx may displace a live exit of a later one.
    event PriorityWindow(uint64 indexed slot, uint256 until);
    event ChallengedBefore(
        uint64 indexed slot,
        bytes32 indexed txHash,
        address indexed challenger,
        uint256 exitNonce,
        uint256 txBlock,
        address txOwner,
        uint256 exitableAt
    );
    /// @notice A challengeBefore answered by a spend at `respondingBlock` (checkpointId 0), or
    /// by checkpoint `checkpointId` at `respondingBlock`.
    event Responded(
        uint64 indexed slot,
        bytes32 indexed txHash,
        address indexed responder,
        uint256 respondingBlock,
        uint256 checkpointId
    );
    /// @notice An open challenge of an exit that is over was settled: `amount` (bond, plus its
    /// share of the exit bond if the exit was cancelled while it was open) credited to the
    /// challenger.
    event ChallengeSettled(
        uint64 indexed slot, bytes32 indexed txHash, address indexed challenger, uint256 amount
    );

    /// @notice The exit has no parent (a deposit or checkpoint exit): no tx between or before.
    error ExitHasNoParent(uint64 slot);
    /// @notice The tx at `blockNumber` is not before the exiting tx's block `exitBlock`.
    error NotBeforeExit(uint256 blockNumber, uint256 exitBlock);
    /// @notice The checkpoint's leaf is the exiting tx (or the challenging tx): no contradiction.
    error CheckpointAgrees(bytes32 leaf);
    /// @notice Challenges before maturity only; the exit matures at `exitableAt`.
    error ExitMatured(uint256 exitableAt);
    /// @notice This tx already challenges this exit (state `state`).
    error ChallengeExists(uint8 state);
    /// @notice No open challenge of the live exit by tx `txHash`.
    error ChallengeNotOpen(bytes32 txHash);
    /// @notice The challenge's exit is still live.
    error ChallengeStillLive(bytes32 txHash);
    /// @notice The response at `respondingBlock` is after the exiting tx's block `exitBlock`.
    error ResponseAfterExit(uint256 respondingBlock, uint256 exitBlock);
    /// @notice The checkpoint at `blockNumber` is not in [the challenging tx's block `txBlock`,
    /// the exiting tx's block `exitBlock`).
    error CheckpointNotBetween(uint256 blockNumber, uint256 txBlock, uint256 exitBlock);
    /// @notice The challenging tx is the exiting tx itself (`txHash`, another copy of it).
    error ChallengeWithExitingTx(bytes32 txHash);

    /// @dev The coin in `slot` and its live exit; reverts unless the coin is exiting.
    function _liveExit(uint64 slot) internal view returns (Coin storage c, Exit storage x) {
        c = _coin(slot);
        if (c.state != CoinState.EXITING) revert WrongCoinState(slot, uint8(c.state));
        x = _exits[slot];
    }

    /// @dev Credits an open challenge whose exit is over and deletes it.
    function _settle(uint64 slot, bytes32 txHash, Challenge storage ch) internal {
        address challenger = ch.challenger;
        uint256 amount = bond + _challengeRewards[slot][ch.exitNonce];
        delete _challenges[slot][txHash];
        bondBalances[challenger] += amount;
        emit ChallengeSettled(slot, txHash, challenger, amount);
    }

    /// @dev Ends the live exit `x` of coin `c` without paying it. With challengeBefores open,
    /// they share its bond and a priority window opens (so that the exiter cannot end its own
    /// exit and start another one before the challengers' owners can exit); else
    /// `beneficiary` (the challenger, if any) is credited the bond.
    function _endExit(uint64 slot, Coin storage c, Exit storage x, address beneficiary) internal {
        c.state = CoinState.DEPOSITED;
        uint256 open = x.openChallenges;
        if (open != 0) {
            x.openChallenges = 0;
            _challengeRewards[slot][c.exitNonce] = bond / open;
            uint256 until = block.timestamp + responsePeriod;
            priorityUntil[slot] = until;
            emit PriorityWindow(slot, until);
        } else if (beneficiary != address(0)) {
            bondBalances[beneficiary] += bond;
        }
    }

    /// @dev Decodes `txBytes`, a tx of coin `slot` included at `blockNumber` by `proof` that
    /// spends the tx `spentHash` at `spentBlock` (or a copy of it, see `_checkSpends`). (The
    /// parameters are ordered so that callers with many calldata arguments stay within the
    /// stack's reach.)
    function _spendOf(
        uint64 slot,
        bytes32 spentHash,
        bytes calldata txBytes,
        uint256 blockNumber,
        bytes calldata proof,
        bytes calldata copyProof,
        uint256 spentBlock
    ) internal view returns (CashTransaction.Tx memory t) {
        Coin storage c = _coins[slot];
        t = _decodeFor(slot, txBytes);
        _checkSpends(c, t, spentHash, spentBlock, copyProof);
        _checkIncluded(c, t, blockNumber, proof);
    }

    /// @dev Checks that `t` spends the tx `spentHash` known to be at `spentBlock`: `t` names
    /// that block, or another block holding the same tx, shown by `copyProof`. The same
    /// signed bytes in two blocks are one tx, so a spend of any copy is a spend of it
    /// (otherwise an operator that includes a tx twice lets its owner exit the copy that a
    /// later spend does not name).
    function _checkSpends(
        Coin storage c,
        CashTransaction.Tx memory t,
        bytes32 spentHash,
        uint256 spentBlock,
        bytes calldata copyProof
    ) internal view {
        uint256 named = t.prevBlock;
        if (named == spentBlock) return;
        if (copyProof.length == 0) revert NotASpend(named, spentBlock);
        _checkHashIncluded(c, t.slot, spentHash, named, copyProof);
    }
}
